package dev.chat.realtime;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A single-use WebSocket ticket presented as {@code ?ticket=} on the {@code /ws} upgrade. */
final class TicketAuthenticationRequest extends BaseAuthenticationRequest {

    private final String ticket;

    TicketAuthenticationRequest(String ticket) {
        this.ticket = ticket;
    }

    String ticket() {
        return ticket;
    }
}
