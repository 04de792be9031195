package dev.chat.message;

import dev.chat.common.ChatConfig;
import dev.chat.common.Db;
import dev.chat.common.ProblemException;
import dev.chat.common.Times;
import dev.chat.fanout.EventFrame;
import dev.chat.fanout.EventType;
import dev.chat.fanout.Fanout;
import dev.chat.fanout.RoomEvent;
import dev.chat.message.MessageRepository.BatchCheck;
import dev.chat.message.MessageRepository.BatchRequest;
import dev.chat.message.MessageRepository.BatchRow;
import dev.chat.message.MessageRepository.Inserted;
import dev.chat.message.MessageService.Sent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
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
 * {@code chat.sends.max-batch}). A batch is one transaction on one connection in two round trips: lock the
 * room row (once) and read every sender's membership, reply target and earlier clientMessageId (one
 * statement); decide each request; then one multi-row insert that moves {@code last_seq}/{@code last_event}
 * by the batch's size, and the commit ({@link #attempt}). Each request is answered only after the commit,
 * and the batch's {@code message.created} events are published first, in position order.
 *
 * <p>Why batches: sends of one room serialize on its row lock, so one room could never take more than one
 * commit (one WAL flush) per message, about 1,000/s on the 2-core machine. A batch pays the lock, the round
 * trips and the flush once. An idle room's first send does not wait for company: it starts at once, and
 * only the sends that arrive during its transaction are grouped.
 *
 * <p>One request's fault stays its own: a non-member (404), a reply target of another room (400) are decided
 * from the check before anything is written; a repeated clientMessageId answers 200 with the original, also
 * when the original is in the same batch. When the insert fails as a whole for a reason other than the
 * database being unavailable (PostgreSQL refusing one text, say), the transaction is rolled back and the
 * batch runs once more one request at a time, each in its own transaction, so that the culprit fails alone
 * and the others commit with consecutive seqs.
 *
 * <p>Several instances: batches are per instance, and the room row lock still orders them across instances;
 * the check runs after the lock, so it sees every batch committed before, whichever instance wrote it.
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
                    if (slot.inserted != null) {
                        sentMessages.increment();
                        MessageView m = slot.inserted.message();
                        fanout.publish(RoomEvent.change(
                                lane.roomId,
                                slot.inserted.position(),
                                frames.room(EventType.MESSAGE_CREATED, lane.roomId, m.seq(), m.createdAt(), m)));
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
     * One transaction in two round trips. The statements that do not depend on an answer are written to the
     * connection together (the PostgreSQL client pipelines them): {@code BEGIN}, the room lock and the check
     * go at once, and the insert and {@code COMMIT} go at once. PostgreSQL still runs them one after the other,
     * each with a snapshot of its own, so the check reads after the lock is granted, as it must; and a COMMIT
     * behind a failed insert ends the transaction as a rollback, which the insert's own failure reports.
     *
     * <p>Why: the lock is held from its grant to the commit. With one round trip per statement (BEGIN, lock,
     * check, insert, COMMIT) the backend spent most of that time idle in transaction, waiting for the service's
     * event loop to send the next statement while it was busy with the HTTP side of other requests (profile.sh
     * send: {@code ClientRead} / {@code idle in transaction} in nearly every sample), and the room's next batch
     * waited for all of it.
     */
    private Uni<Slot[]> attempt(UUID roomId, List<Pending> batch) {
        Instant now = Times.now();
        Slot[] slots = new Slot[batch.size()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot();
        }
        UUID[] senders = batch.stream()
                .map(p -> p.senderId)
                .collect(Collectors.toCollection(LinkedHashSet::new))
                .toArray(UUID[]::new);
        List<BatchRequest> requests = batch.stream()
                .map(p -> new BatchRequest(p.senderId, p.clientMessageId, p.replyToId))
                .toList();
        return pool.withConnection(conn -> Uni.combine()
                .all()
                .unis(
                        conn.query("BEGIN").execute(),
                        messages.lockRoomForBatch(conn, roomId, senders),
                        messages.checkBatch(conn, roomId, requests))
                .asTuple()
                .chain(begun -> {
                    if (!begun.getItem2()) { // no such room, or no sender of the batch is a member
                        for (Slot slot : slots) {
                            slot.failure = MessageService.noSuchRoom();
                        }
                    } else {
                        decide(batch, begun.getItem3(), slots);
                    }
                    return insertAndCommit(conn, roomId, slots, now);
                })
                // Whatever failed, the connection goes back to the pool outside any transaction (a ROLLBACK
                // after an ended one is only a warning).
                .onFailure()
                .call(() -> conn.query("ROLLBACK").execute().onFailure().recoverWithNull()));
    }

    /**
     * What the check alone decides: not a member (404); a clientMessageId already stored (200, the original);
     * else the message this request would store, decided further by {@link #resolve}.
     */
    private static void decide(List<Pending> batch, List<BatchCheck> checks, Slot[] slots) {
        for (int i = 0; i < slots.length; i++) {
            Pending p = batch.get(i);
            BatchCheck check = checks.get(i);
            Slot slot = slots[i];
            if (!check.member()) {
                slot.failure = MessageService.noSuchRoom();
            } else if (check.original() != null) {
                slot.original = check.original();
            } else {
                slot.row = new BatchRow(UUID.randomUUID(), p.senderId, p.body, p.clientMessageId, p.replyToId);
                slot.replyOk = check.replyOk();
                slot.key = p.clientMessageId == null ? null : p.senderId + " " + p.clientMessageId;
            }
        }
    }

    /**
     * In queue order, as if the requests had come one after the other: a clientMessageId taken by an earlier
     * request of this batch answers 200 with that one's message; a reply target not in this room is a 400;
     * else true: the message is to be stored (the caller then registers it in {@code stored} by its key).
     */
    private static boolean resolve(Slot slot, Map<String, Slot> stored) {
        if (slot.row == null) {
            return false;
        }
        Slot leader = slot.key == null ? null : stored.get(slot.key);
        if (leader != null) {
            slot.leader = leader;
            return false;
        }
        if (!slot.replyOk) {
            slot.failure = ProblemException.invalid("replyToId", "must be a message of this room");
            return false;
        }
        return true;
    }

    /** The fast path: one statement for every message of the batch, and the commit behind it. */
    private Uni<Slot[]> insertAndCommit(SqlConnection conn, UUID roomId, Slot[] slots, Instant now) {
        Map<String, Slot> planned = new HashMap<>();
        List<Slot> inserting = new ArrayList<>();
        for (Slot slot : slots) {
            if (resolve(slot, planned)) {
                inserting.add(slot);
                if (slot.key != null) {
                    planned.put(slot.key, slot);
                }
            }
        }
        if (inserting.isEmpty()) {
            return conn.query("COMMIT").execute().replaceWith(slots);
        }
        List<BatchRow> rows = inserting.stream().map(s -> s.row).toList();
        Uni<List<Inserted>> insert = messages.insertBatch(conn, roomId, rows, now)
                .onFailure(failure -> !Db.isUnavailable(failure))
                .transform(InsertFailed::new);
        return Uni.combine()
                .all()
                .unis(insert, conn.query("COMMIT").execute())
                .asTuple()
                .map(done -> {
                    List<Inserted> inserted = done.getItem1();
                    for (int i = 0; i < inserting.size(); i++) {
                        inserting.get(i).inserted = inserted.get(i);
                    }
                    return slots;
                });
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
        MessageView original;
        /** The message this request would store, its reply check and its (sender, clientMessageId) key. */
        BatchRow row;

        boolean replyOk;
        String key;
        /** The earlier request of the batch that stored this one's clientMessageId. */
        Slot leader;

        Inserted inserted;

        void answer(Pending pending) {
            if (failure != null) {
                pending.fail(failure);
            } else if (original != null) {
                pending.complete(new Sent(original, false, 0));
            } else if (inserted != null) {
                pending.complete(new Sent(inserted.message(), true, inserted.position()));
            } else if (leader != null && leader.inserted != null) {
                pending.complete(new Sent(leader.inserted.message(), false, 0));
            } else {
                pending.fail(new IllegalStateException("a send of the batch was left undecided"));
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
