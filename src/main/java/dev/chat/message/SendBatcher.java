package dev.chat.message;

import dev.chat.common.ChatConfig;
import dev.chat.common.Db;
import dev.chat.common.ProblemException;
import dev.chat.common.Times;
import dev.chat.fanout.EventFrame;
import dev.chat.fanout.EventType;
import dev.chat.fanout.Fanout;
import dev.chat.fanout.RoomEvent;
import dev.chat.message.MessageRepository.BatchOutcome;
import dev.chat.message.MessageRepository.BatchRow;
import dev.chat.message.MessageService.Sent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Group commit of sends. Each room has a lane on each instance, where its sends queue; at most {@code
 * chat.sends.max-transactions} send transactions run at once on the instance, and a lane is in at most one of
 * them. When a transaction may start, it takes the sends of every lane that waits, in the order the lanes began
 * to wait, up to {@code chat.sends.max-batch}: the sends of one busy room, of many quiet rooms, or both. A batch is
 * one transaction on one connection in one round trip ({@link #attempt}): lock its rooms' rows (in id order),
 * then one statement that reads every sender's membership, reply target and earlier clientMessageId, decides
 * each request and inserts the batch's messages, moving each room's {@code last_seq}/{@code last_event} once by
 * its number ({@link MessageRepository#sendBatch}), then the commit. Each request is answered only after the
 * commit, and the batch's {@code message.created} events are published first, in position order.
 *
 * <p>Why batches: sends of one room serialize on its row lock, so one room could never take more than one
 * commit (one WAL flush) per message, about 1,000/s on the 2-core machine. A batch pays the lock, the round
 * trips and the flush once. Why batches across rooms: many rooms with a send each would otherwise each pay a
 * commit and the planning of the batch statement (0.5-1 ms, src/bench/RESULTS.md), which held the many-room
 * sends to a third of pgbench's single-message transactions. On an idle instance a send does not wait for
 * company: it starts at once; only the sends that arrive while the transactions run are grouped. The price: a
 * batch waits for the slowest of its rooms' locks (another instance's batch, a membership change), and when
 * that wait fails ({@code lock_timeout}, a deadlock) its rooms go again one per transaction ({@link #putBack}),
 * so that only a room still locked fails its sends; the others have waited one {@code lock_timeout} more.
 *
 * <p>One request's fault stays its own: a non-member (404), a reply target of another room (400) are decided
 * by the batch statement and store nothing; a repeated clientMessageId answers 200 with the original, also
 * when the original is in the same batch. When the batch statement fails as a whole for a reason other than the
 * database being unavailable (PostgreSQL refusing one text, say), the transaction is rolled back and the
 * batch runs once more one request at a time, each in its own transaction, so that the culprit fails alone
 * and the others commit with consecutive seqs.
 *
 * <p>Several instances: batches are per instance, and the room row locks still order them across instances;
 * the batch statement runs after the locks, so it sees every batch committed before, whichever instance wrote
 * it. Rooms are locked in the order of their ids, so two instances' batches that share rooms wait for each other
 * rather than deadlock. (A member added between the lock and the batch statement can make the statement lock
 * a room the first did not; should that ever end in a deadlock, PostgreSQL aborts one batch, whose rooms then go
 * again one per transaction as above, or one request at a time if the batch statement was the one aborted.)
 *
 * <p>Plain reactive SQL rather than Hibernate: arrays through {@code unnest} and a data-modifying CTE are not
 * expressible as entities, and a batch must run its statements on one connection it controls.
 */
@ApplicationScoped
class SendBatcher {

    private static final Logger LOG = Logger.getLogger(SendBatcher.class);

    private final Pool pool;
    private final MessageRepository messages;
    private final Fanout fanout;
    private final EventFrame frames;
    private final int maxBatch;
    private final int maxQueued;
    private final int maxTransactions;
    private final Counter sentMessages;
    private final DistributionSummary batchSizes;

    // Guarded by this (short sections: no I/O and no answer is sent while it is held).
    /** Every room with sends queued or in flight. */
    private final Map<UUID, Lane> lanes = new HashMap<>();
    /** The lanes waiting for a transaction, in the order they began to wait. */
    private final ArrayDeque<Lane> ready = new ArrayDeque<>();
    /** Send transactions running. */
    private int inFlight;

    SendBatcher(
            Pool pool,
            MessageRepository messages,
            Fanout fanout,
            EventFrame frames,
            ChatConfig config,
            MeterRegistry metrics) {
        this.pool = pool;
        this.messages = messages;
        this.fanout = fanout;
        this.frames = frames;
        this.maxBatch = Math.max(1, config.sends().maxBatch());
        this.maxQueued = Math.max(1, config.sends().maxQueuedPerRoom());
        this.maxTransactions = Math.max(1, config.sends().maxTransactions());
        this.sentMessages = Counter.builder("chat.messages.sent")
                .description("Messages stored (idempotent retries not counted)")
                .register(metrics);
        this.batchSizes = DistributionSummary.builder("chat.messages.batch.size")
                .description("Sends per group-commit transaction")
                .register(metrics);
    }

    /** Queues the send in its room's lane; the Uni ends once the batch it went in has committed or failed. */
    Uni<Sent> submit(UUID roomId, UUID senderId, String body, String clientMessageId, UUID replyToId) {
        return Uni.createFrom()
                .emitter(emitter -> enqueue(new Pending(
                        roomId, senderId, body, clientMessageId, replyToId, Vertx.currentContext(), emitter)));
    }

    /** The rooms with a lane now (sends queued or in flight), for tests: an idle room's lane is gone. */
    synchronized int activeLanes() {
        return lanes.size();
    }

    /** Sends of the room waiting for its next transaction (not those in flight), for tests. */
    synchronized int queued(UUID roomId) {
        Lane lane = lanes.get(roomId);
        return lane == null ? 0 : lane.queue.size();
    }

    private void enqueue(Pending pending) {
        List<Batch> start;
        synchronized (this) {
            Lane lane = lanes.computeIfAbsent(pending.roomId, Lane::new);
            if (lane.queue.size() >= maxQueued) {
                start = null;
            } else {
                lane.queue.add(pending);
                if (!lane.running && !lane.ready) {
                    lane.ready = true;
                    ready.add(lane);
                }
                start = startable();
            }
        }
        if (start == null) {
            pending.fail(ProblemException.tooManyRequests(
                    "Too many messages are waiting for this room; try again shortly.", 1));
        } else {
            start.forEach(this::run);
        }
    }

    /**
     * The transactions that may start now: while fewer than {@code chat.sends.max-transactions} run, one with
     * the sends of the lanes that wait, in the order they became ready, up to {@code chat.sends.max-batch}
     * sends; a lane cut short by that bound keeps the rest for its next turn. Caller holds the lock.
     */
    private List<Batch> startable() {
        List<Batch> batches = List.of();
        while (inFlight < maxTransactions && !ready.isEmpty()) {
            List<Lane> in = new ArrayList<>();
            List<Pending> sends = new ArrayList<>();
            while (!ready.isEmpty() && sends.size() < maxBatch) {
                Lane lane = ready.peek();
                if (lane.alone && !in.isEmpty()) {
                    break; // it goes in the next transaction, alone
                }
                ready.poll();
                lane.ready = false;
                lane.running = true;
                in.add(lane);
                while (!lane.queue.isEmpty() && sends.size() < maxBatch) {
                    sends.add(lane.queue.poll());
                }
                if (lane.alone) {
                    lane.alone = false;
                    break;
                }
            }
            inFlight++;
            if (batches.isEmpty()) {
                batches = new ArrayList<>(1);
            }
            batches.add(new Batch(in, sends));
        }
        return batches;
    }

    private void run(Batch batch) {
        Uni<Slot[]> run;
        try {
            run = run(batch.sends);
        } catch (RuntimeException e) {
            run = Uni.createFrom().failure(e);
        }
        run.subscribe().with(slots -> finish(batch, slots, null), failure -> finish(batch, null, failure));
    }

    /**
     * Answers every request of the batch (also after a failure of the whole, so that none waits for ever; a batch
     * of several rooms that waited in vain goes again room by room instead, {@link #putBack}), then starts the
     * next batch. The answers leave after the fan-out got the batch's events, in position order.
     */
    private void finish(Batch done, Slot[] slots, Throwable failure) {
        List<Pending> batch = done.sends;
        boolean again = failure != null && done.lanes.size() > 1 && Db.isLockWaitFailure(failure);
        try {
            if (failure == null) {
                batchSizes.record(batch.size());
                for (Slot slot : slots) {
                    if (slot.created != null) {
                        sentMessages.increment();
                        MessageView m = slot.created;
                        fanout.publish(RoomEvent.change(
                                m.roomId(),
                                slot.position,
                                frames.message(EventType.MESSAGE_CREATED, m.roomId(), m.seq(), m.createdAt(), m)));
                    }
                }
                for (int i = 0; i < batch.size(); i++) {
                    slots[i].answer(batch.get(i));
                }
            } else if (!again) {
                if (!(failure instanceof ProblemException) && !Db.isUnavailable(failure)) {
                    LOG.errorf(failure, "A batch of %d sends failed", batch.size());
                }
                for (Pending pending : batch) {
                    pending.fail(failure);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Answering a batch of sends failed", e);
            for (Pending pending : batch) {
                pending.fail(e); // no-op for those already answered
            }
        } finally {
            List<Batch> next;
            synchronized (this) {
                inFlight--;
                if (again) {
                    putBack(done);
                }
                for (Lane lane : done.lanes) {
                    lane.running = false;
                    if (lane.queue.isEmpty()) {
                        lanes.remove(lane.roomId);
                    } else if (!lane.ready) {
                        lane.ready = true;
                        ready.add(lane);
                    }
                }
                next = startable();
            }
            next.forEach(this::run);
        }
    }

    /**
     * A batch of several rooms that failed waiting (for one room's lock, held by a stuck transaction, say, until
     * lock_timeout; or chosen to break a deadlock) cannot tell which room it waited for: its sends go back to the
     * front of their rooms' queues, in their order, and each of those rooms goes next in a transaction of its own
     * ({@code alone}), so that only the sends of a room that still cannot be written fail. Caller holds the lock.
     */
    private void putBack(Batch done) {
        for (int i = done.sends.size() - 1; i >= 0; i--) {
            Pending pending = done.sends.get(i);
            lanes.get(pending.roomId).queue.addFirst(pending);
        }
        for (int i = done.lanes.size() - 1; i >= 0; i--) {
            Lane lane = done.lanes.get(i);
            lane.alone = true;
            lane.ready = true;
            ready.addFirst(lane);
        }
    }

    /**
     * The batch in one transaction; when its insert failed for one of its messages' sake, the batch once more
     * one request at a time, each in a transaction of its own. (Not savepoints: the reactive client marks a
     * transaction in which any statement failed for rollback, whatever was rolled back to a savepoint since.)
     */
    private Uni<Slot[]> run(List<Pending> batch) {
        return attempt(batch).onFailure(InsertFailed.class).recoverWithUni(() -> oneByOne(batch));
    }

    /**
     * Each request alone, in queue order: a message PostgreSQL refuses fails alone (its request gets that error),
     * the others commit with consecutive seqs, and a later request with the clientMessageId of an earlier one
     * finds it committed (200), or, if that one was refused, is decided as if it had never come.
     */
    private Uni<Slot[]> oneByOne(List<Pending> batch) {
        Slot[] slots = new Slot[batch.size()];
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int i = 0; i < slots.length; i++) {
            int k = i;
            chain = chain.chain(() -> attempt(List.of(batch.get(k)))
                    .map(alone -> {
                        slots[k] = alone[0];
                        return (Void) null;
                    })
                    .onFailure()
                    .recoverWithItem(failure -> {
                        slots[k] = new Slot();
                        slots[k].failure = failure instanceof InsertFailed ? failure.getCause() : failure;
                        return null;
                    }));
        }
        return chain.map(ignored -> slots);
    }

    /**
     * One transaction in one round trip: {@code BEGIN}, the room lock, the statement that decides and stores
     * the whole batch ({@link MessageRepository#sendBatch}) and {@code COMMIT} are written to the connection
     * together (the PostgreSQL client pipelines them), and the answers are read once all four are back.
     * PostgreSQL still runs them one after the other, each with a snapshot of its own, so the batch's reads
     * happen once the lock is held, as they must; and a COMMIT behind a failed statement ends the transaction
     * as a rollback, which the failed statement's own error reports (the first failure is the one that counts).
     *
     * <p>Why: the room lock is held from its grant to the commit, and the room's next batch waits for it. With
     * one round trip per statement (BEGIN, lock, check, insert, COMMIT) the backend spent most of that time
     * idle in transaction, waiting for the service's event loop to send the next statement while that loop was
     * busy with the HTTP side of other requests (profile.sh send: {@code ClientRead} / {@code idle in
     * transaction} in nearly every sample of the backends).
     */
    private Uni<Slot[]> attempt(List<Pending> batch) {
        Instant now = Times.now();
        UUID[] rooms = batch.stream().map(p -> p.roomId).toArray(UUID[]::new);
        UUID[] senders = batch.stream().map(p -> p.senderId).toArray(UUID[]::new);
        List<BatchRow> rows = batch.stream()
                .map(p -> new BatchRow(p.roomId, UUID.randomUUID(), p.senderId, p.body, p.clientMessageId, p.replyToId))
                .toList();
        return pool.withConnection(conn -> Uni.combine()
                .all()
                .unis(
                        messages.beginBatch(conn),
                        // The batch statement decides every request itself, and touches the room row only
                        // when it stores something.
                        messages.lockRoomsForBatch(conn, rooms, senders),
                        messages.sendBatch(conn, rows, now)
                                .onFailure(failure -> !Db.isUnavailable(failure))
                                .transform(InsertFailed::new),
                        conn.query("COMMIT").execute())
                .asTuple()
                .map(done -> slots(done.getItem3()))
                // Whatever failed, the connection goes back to the pool outside any transaction (a ROLLBACK
                // after an ended one is only a warning).
                .onFailure()
                .call(() -> conn.query("ROLLBACK").execute().onFailure().recoverWithNull()));
    }

    /** Each request's answer from what the batch statement decided for it. */
    private static Slot[] slots(List<BatchOutcome> outcomes) {
        Slot[] slots = new Slot[outcomes.size()];
        for (int i = 0; i < slots.length; i++) {
            BatchOutcome o = outcomes.get(i);
            Slot slot = new Slot();
            if (!o.member()) {
                slot.failure = MessageService.noSuchRoom();
            } else if (o.original() != null) {
                slot.existing = o.original();
            } else if (o.created() != null) {
                slot.created = o.created();
                slot.position = o.position();
            } else if (o.repeated() != null) {
                slot.existing = o.repeated();
            } else if (!o.replyOk()) {
                slot.failure = ProblemException.invalid("replyToId", "must be a message of this room");
            } else {
                slot.failure = new IllegalStateException("a send of the batch was left undecided");
            }
            slots[i] = slot;
        }
        return slots;
    }

    /** The batch insert failed for the sake of its data: retry the batch one by one (see {@link #run}). */
    private static final class InsertFailed extends RuntimeException {
        InsertFailed(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /**
     * A room's queue on this instance: {@code ready} while it waits for a transaction, {@code running} while one
     * holding its sends is in flight (never two at once, so that its seqs follow its queue). Guarded by the
     * batcher's lock.
     */
    private static final class Lane {
        final UUID roomId;
        final ArrayDeque<Pending> queue = new ArrayDeque<>();
        boolean ready;
        boolean running;
        /** Its next transaction holds its sends only (see {@link #putBack}). */
        boolean alone;

        Lane(UUID roomId) {
            this.roomId = roomId;
        }
    }

    /** One transaction's sends, in queue order, and the lanes they came from. */
    private record Batch(List<Lane> lanes, List<Pending> sends) {}

    /** What one attempt decided for one request. */
    private static final class Slot {
        Throwable failure;
        /** The message stored for this request (201), at stream {@code position}. */
        MessageView created;

        long position;
        /** The message already stored under this request's clientMessageId (200). */
        MessageView existing;

        void answer(Pending pending) {
            if (failure != null) {
                pending.fail(failure);
            } else if (created != null) {
                pending.complete(new Sent(created, true, position));
            } else {
                pending.complete(new Sent(existing, false, 0));
            }
        }
    }

    /** One send waiting for its batch; answered once, on the request's own Vert.x context. */
    private static final class Pending {
        final UUID roomId;
        final UUID senderId;
        final String body;
        final String clientMessageId;
        final UUID replyToId;
        final Context context;
        final UniEmitter<? super Sent> emitter;
        private boolean answered;

        Pending(
                UUID roomId,
                UUID senderId,
                String body,
                String clientMessageId,
                UUID replyToId,
                Context context,
                UniEmitter<? super Sent> emitter) {
            this.roomId = roomId;
            this.senderId = senderId;
            this.body = body;
            this.clientMessageId = clientMessageId;
            this.replyToId = replyToId;
            this.context = context;
            this.emitter = emitter;
        }

        void complete(Sent sent) {
            if (take()) {
                onOwnContext(() -> emitter.complete(sent));
            }
        }

        void fail(Throwable failure) {
            if (take()) {
                onOwnContext(() -> emitter.fail(failure));
            }
        }

        private synchronized boolean take() {
            if (answered) {
                return false;
            }
            answered = true;
            return true;
        }

        /** A batch ends on the context of the request that started it; the others resume on their own. */
        private void onOwnContext(Runnable answer) {
            if (context == null || Vertx.currentContext() == context) {
                answer.run();
            } else {
                context.runOnContext(ignored -> answer.run());
            }
        }
    }
}
