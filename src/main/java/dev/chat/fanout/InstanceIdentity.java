package dev.chat.fanout;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** This process among the instances: a new id at every start (it owns no state that outlives it). */
@ApplicationScoped
public class InstanceIdentity {

    private final UUID id = UUID.randomUUID();

    public UUID id() {
        return id;
    }
}
