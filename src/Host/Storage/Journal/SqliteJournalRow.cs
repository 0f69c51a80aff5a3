namespace CommunityStream.Host.Storage.Journal;

/// <summary>
/// One event as Akka.Persistence.Sql stores it in its <c>journal</c> table (default table mapping, tags in the
/// <c>tags</c> table): the payload serialized by Akka's serializer <see cref="SerializerId"/> with its
/// <see cref="Manifest"/>, and <see cref="Created"/> in UTC ticks.
/// </summary>
internal sealed record SqliteJournalRow(
    string PersistenceId,
    long SequenceNr,
    byte[] Payload,
    string Manifest,
    int SerializerId,
    string? WriterUuid,
    long Created);

/// <summary>One event read back: what replay needs to rebuild an <c>IPersistentRepresentation</c>.</summary>
internal sealed record SqliteJournalReadRow(
    long SequenceNr,
    byte[] Payload,
    string? Manifest,
    int? SerializerId,
    string? WriterUuid,
    long Created);
