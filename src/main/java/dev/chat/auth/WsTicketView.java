package dev.chat.auth;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "WsTicket")
public record WsTicketView(
        @Schema(description = "Single use: connect with `GET /ws?ticket=...`.")
        String ticket,

        @Schema(description = "Seconds the ticket stays valid.", examples = "30")
        long expiresIn) {}
