package dev.chat.fanout;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One instance: every event goes straight to this instance's listener, on the publisher's thread (the
 * listener hands it to its hubs). Also the local half of {@link RedisFanout}. There is one listener, the
 * real-time layer; tests may add their own to see what the services publish.
 */
@ApplicationScoped
@Typed(LocalFanout.class)
public class LocalFanout implements Fanout {

    private final List<FanoutListener> listeners = new CopyOnWriteArrayList<>();

    @Override
    public void publish(RoomEvent event) {
        for (FanoutListener listener : listeners) {
            listener.onRoomEvent(event);
        }
    }

    @Override
    public void publish(PresenceEvent event) {
        for (FanoutListener listener : listeners) {
            listener.onPresence(event);
        }
    }

    @Override
    public void listen(FanoutListener listener) {
        listeners.add(listener);
    }

    public void unlisten(FanoutListener listener) {
        listeners.remove(listener);
    }

    void carrierRestored() {
        listeners.forEach(FanoutListener::onCarrierRestored);
    }
}
