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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Group commit of sends. Each room has a lane on each instance; a lane runs at most one send transaction at a
 * time, and the sends that arrive while it runs wait in the lane and go together in the next one (up to
 * {@code chat.sends.max-batch}). A batch is one transaction on one connection in one round trip ({@link
 * #attempt}): lock the room row (once), then one statement that reads every sender's membership, reply target
 * and earlier clientMessageId, decides each request and inserts the batch's messages, moving
 * {@code last_seq}/{@code last_event} once by their number ({@link MessageRepository#sendBatch}), then the
 * commit. Each request is answered only after the commit,
 * and the batch's {@code message.created} events are published first, in position order.
 *
 * <p>Why batches: sends of one room serialize on its row lock, so one room could never take more than one
 * commit (one WAL flush) per message, about 1,000/s on the 2-core machine. A batch pays the lock, the round
 * trips and the flush once. An idle room's first send does not wait for company: it starts at once, and
 * only the sends that arrive during its transaction are grouped.
 *
 * <p>One request's fault stays its own: a non-member (404), a reply target of another room (400) are decided
 * by the batch statement and store nothing; a repeated clientMessageId answers 200 with the original, also
 * when the original is in the same batch. When the batch statement fails as a whole for a reason other than the
 * database being unavailable (PostgreSQL refusing one text, say), the transaction is rolled back and the
 * batch runs once more one request at a time, each in its own transaction, so that the culprit fails alone
 * and the others commit with consecutive seqs.
 *
 * <p>Several instances: batches are per instance, and the room row lock still orders them across instances;
 * the batch statement runs after the lock, so it sees every batch committed before, whichever instance wrote
 * it.
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
    private final Counter sentMessages;
    private final DistributionSummary batchSizes;
    private final Map<UUID, Lane> lanes = new ConcurrentHashMap<>();

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
    int activeLanes() {
        return lanes.size();
    }

    /** Sends of the room waiting for its next transaction (not those in flight), for tests. */
    int queued(UUID roomId) {
        Lane lane = lanes.get(roomId);
        if (lane == null) {
            return 0;
        }
        synchronized (lane) {
            return lane.queue.size();
        }
    }

    private void enqueue(Pending pending) {
        while (true) {
            Lane lane = lanes.computeIfAbsent(pending.roomId, Lane::new);
            boolean start;
            synchronized (lane) {
                if (lane.retired) {
                    continue; // it went idle and left the map between the lookup and the lock: take the new one
                }
                if (lane.queue.size() >= maxQueued) {
                    start = false;
                    pending.fail(ProblemException.tooManyRequests(
                            "Too many messages are waiting for this room; try again shortly.", 1));
                } else {
                    lane.queue.add(pending);
                    start = !lane.running;
                    lane.running = true;
                }
            }
            if (start) {
                runNext(lane);
            }
            return;
        }
    }

    /** Takes the next batch of the lane and runs it; when none is waiting the lane retires. */
    private void runNext(Lane lane) {
        List<Pending> batch;
        synchronized (lane) {
            if (lane.queue.isEmpty()) {
                lane.running = false;
                lane.retired = true;
                lanes.remove(lane.roomId, lane);
                return;
            }
            int n = Math.min(maxBatch, lane.queue.size());
            batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(lane.queue.poll());
            }
        }
        Uni<Slot[]> run;
        try {
            run = run(lane.roomId, batch);
        } catch (RuntimeException e) {
            run = Uni.createFrom().failure(e);
        }
        run.subscribe().with(slots -> finish(lane, batch, slots, null), failure -> finish(lane, batch, null, failure));
    }

    /**
     * Answers every request of the batch (also after a failure of the whole, so that none waits for ever), then
     * starts the next batch. The answers leave after the fan-out got the batch's events, in position order.
     */
    private void finish(Lane lane, List<Pending> batch, Slot[] slots, Throwable failure) {
        try {
            if (failure == null) {
                batchSizes.record(batch.size());
                for (Slot slot : slots) {
                    if (slot.created != null) {
                        sentMessages.increment();
                        MessageView m = slot.created;
                        fanout.publish(RoomEvent.change(
                                lane.roomId,
                                slot.position,
                                frames.message(EventType.MESSAGE_CREATED, lane.roomId, m.seq(), m.createdAt(), m)));
                    }
                }
                for (int i = 0; i < batch.size(); i++) {
                    slots[i].answer(batch.get(i));
                }
            } else {
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
            runNext(lane);
        }
    }

    /**
     * The batch in one transaction; when its insert failed for one of its messages' sake, the batch once more
     * one request at a time, each in a transaction of its own. (Not savepoints: the reactive client marks a
     * transaction in which any statement failed for rollback, whatever was rolled back to a savepoint since.)
     */
    private Uni<Slot[]> run(UUID roomId, List<Pending> batch) {
        return attempt(roomId, batch).onFailure(InsertFailed.class).recoverWithUni(() -> oneByOne(roomId, batch));
    }

    /**
     * Each request alone, in queue order: a message PostgreSQL refuses fails alone (its request gets that error),
     * the others commit with consecutive seqs, and a later request with the clientMessageId of an earlier one
     * finds it committed (200), or, if that one was refused, is decided as if it had never come.
     */
    private Uni<Slot[]> oneByOne(UUID roomId, List<Pending> batch) {
        Slot[] slots = new Slot[batch.size()];
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int i = 0; i < slots.length; i++) {
            int k = i;
            chain = chain.chain(() -> attempt(roomId, List.of(batch.get(k)))
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
    private Uni<Slot[]> attempt(UUID roomId, List<Pending> batch) {
        Instant now = Times.now();
        UUID[] senders = batch.stream()
                .map(p -> p.senderId)
                .collect(Collectors.toCollection(LinkedHashSet::new))
                .toArray(UUID[]::new);
        List<BatchRow> rows = batch.stream()
                .map(p -> new BatchRow(UUID.randomUUID(), p.senderId, p.body, p.clientMessageId, p.replyToId))
                .toList();
        return pool.withConnection(conn -> Uni.combine()
                .all()
                .unis(
                        messages.beginBatch(conn),
                        // The batch statement decides every request itself, and touches the room row only
                        // when it stores something.
                        messages.lockRoomForBatch(conn, roomId, senders),
                        messages.sendBatch(conn, roomId, rows, now)
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

    /** A room's queue on this instance; {@code running} while one of its batches is in flight. */
    private static final class Lane {
        final UUID roomId;
        final ArrayDeque<Pending> queue = new ArrayDeque<>();
        boolean running;
        boolean retired;

        Lane(UUID roomId) {
            this.roomId = roomId;
        }
    }

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
