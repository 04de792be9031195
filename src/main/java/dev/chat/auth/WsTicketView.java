package dev.chat.auth;

public record WsTicketView(String ticket, long expiresIn) {}
