package dev.chat.auth;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

@ApplicationScoped
public class WsTicketRepository implements PanacheRepositoryBase<WsTicket, byte[]> {

    public Uni<Long> sweepExpired(Instant now) {
        return delete("expiresAt <= ?1", now);
    }

    /** Deletes the ticket if it is still valid; 1 means this caller redeemed it. */
    public Uni<Long> consume(byte[] hash, Instant now) {
        return delete(
                "ticketHash = :hash and expiresAt > :now",
                Parameters.with("hash", hash).and("now", now));
    }
}
