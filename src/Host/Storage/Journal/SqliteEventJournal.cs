using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Serialization;
using Akka.Util;

namespace CommunityStream.Host.Storage.Journal;

/// <summary>
/// The node's Akka.Persistence journal on SQLite (docs/operations.md, "SQLite journal"): the same tables and columns
/// as Akka.Persistence.Sql, written by <see cref="SqliteJournalWriter"/> (one connection, prepared multi-row inserts,
/// one transaction for whatever queued) and read by <see cref="SqliteJournalReader"/>. It replaced Akka.Persistence.Sql's
/// write path (linq2db, an Akka.Streams queue, a pooled connection and a transaction per event), which took about a
/// fifth of the node's CPU in many small rooms. Every write of one <c>WriteMessages</c> call goes into one transaction,
/// and the call completes only after it committed.
/// </summary>
// The writer and reader are disposed in PostStop: an actor's lifetime, not IDisposable's.
#pragma warning disable CA1001
internal sealed class SqliteEventJournal : AsyncWriteJournal
#pragma warning restore CA1001
{
    /// <summary>Where the plugin's settings live (HOCON); <c>connection-string</c> and <c>pragmas</c>.</summary>
    public const string PluginId = "akka.persistence.journal.communitystream-sqlite";

    private readonly SqliteJournalWriter _writer;
    private readonly SqliteJournalReader _reader;
    private readonly Serialization _serialization;
    private readonly ExtendedActorSystem _system;
    private readonly WritesInProgress _inProgress = new();

    public SqliteEventJournal(Config config)
    {
        var connectionString = config.GetString("connection-string")
            ?? throw new ConfigurationException($"{PluginId}.connection-string is required.");
        var pragmas = config.GetString("pragmas", "");
        _system = (ExtendedActorSystem)Context.System;
        _serialization = _system.Serialization;
        var log = Context.GetLogger();
        _writer = new SqliteJournalWriter(connectionString, pragmas, message => log.Warning(message));
        _reader = new SqliteJournalReader(connectionString, pragmas);
        _writer.Start();
    }

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages as IReadOnlyCollection<AtomicWrite> ?? [.. messages];
        var persistenceIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var write in writes)
        {
            persistenceIds.Add(write.PersistenceId);
        }
        // Tracked synchronously, on the journal's own thread, before a later ReplayMessages can ask for the highest number.
        var task = WriteAsync(writes);
        _inProgress.Track(persistenceIds, task);
        return task;
    }

    private async Task<IImmutableList<Exception>> WriteAsync(IEnumerable<AtomicWrite> messages)
    {
        var now = DateTime.UtcNow.Ticks;
        var rows = new List<SqliteJournalRow>();
        ImmutableList<Exception>.Builder? results = null;
        var index = 0;
        foreach (var write in messages)
        {
            var before = rows.Count;
            Exception? rejection = null;
            try
            {
                foreach (var representation in (IImmutableList<IPersistentRepresentation>)write.Payload)
                {
                    rows.Add(ToRow(representation, now));
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Not serializable: this write is rejected (the actor hears why); the others are still written.
                rows.RemoveRange(before, rows.Count - before);
                rejection = ex;
            }
            if (rejection is not null || results is not null)
            {
                results ??= Enumerable.Repeat<Exception>(null!, index).ToImmutableList().ToBuilder();
                results.Add(rejection!);
            }
            index++;
        }
        if (rows.Count > 0)
        {
            // A failed transaction faults this task: every write of the call fails, none is reported persisted.
            await _writer.WriteAsync(rows);
        }
        return results?.ToImmutable()!;
    }

    private SqliteJournalRow ToRow(IPersistentRepresentation representation, long now)
    {
        if (representation.Payload is Tagged)
        {
            // Nothing in the node tags events; writing the tag table is left to Akka.Persistence.Sql.
            throw new NotSupportedException($"{PluginId} does not write tagged events.");
        }
        var payload = representation.Payload;
        var serializer = _serialization.FindSerializerFor(payload);
        var manifest = serializer switch
        {
            SerializerWithStringManifest stringManifest => stringManifest.Manifest(payload),
            { IncludeManifest: true } => payload.GetType().TypeQualifiedName(),
            _ => string.Empty,
        };
        // As Akka.Persistence.Sql: actor references in payloads are written with this node's address.
        var bytes = Serialization.WithTransport(_system, (serializer, payload), static state => state.serializer.ToBinary(state.payload));
        return new SqliteJournalRow(
            representation.PersistenceId,
            representation.SequenceNr,
            bytes,
            manifest,
            serializer.Identifier,
            // The writing incarnation's id (Akka.Persistence.Sql writes its journal's): replay reads it back unchanged,
            // and the replay filter tells an old incarnation's events from a newer one's by it.
            representation.WriterGuid,
            representation.Timestamp == 0 ? now : representation.Timestamp);
    }

    public override Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<IPersistentRepresentation> recoveryCallback) =>
        max <= 0 || toSequenceNr < fromSequenceNr
            ? Task.CompletedTask
            : _reader.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, row => recoveryCallback(ToPersistent(persistenceId, row)));

    private Persistent ToPersistent(string persistenceId, SqliteJournalReadRow row)
    {
        object payload;
        if (row.SerializerId is { } serializerId)
        {
            payload = _serialization.Deserialize(row.Payload, serializerId, row.Manifest ?? string.Empty);
        }
        else
        {
            // Rows of very old writers carry no serializer id, only the payload's type.
            var type = Type.GetType(row.Manifest ?? string.Empty, throwOnError: true)!;
            payload = _serialization.FindSerializerForType(type).FromBinary(row.Payload, type);
        }
        return new Persistent(payload, row.SequenceNr, persistenceId, row.Manifest ?? string.Empty, isDeleted: false,
            ActorRefs.NoSender, row.WriterUuid, row.Created);
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        // The id's queued or in-flight write first (its failure is the writer's to report, not this read's).
        await _inProgress.WaitAsync(persistenceId);
        return await _reader.HighestSequenceNrAsync(persistenceId, fromSequenceNr);
    }

    protected override Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken) =>
        _writer.DeleteAsync(persistenceId, toSequenceNr);

    protected override void PostStop()
    {
        // Queued writes still commit before the connection closes.
        _writer.Dispose();
        _reader.Dispose();
        base.PostStop();
    }
}
