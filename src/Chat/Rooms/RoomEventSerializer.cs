using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;
using Akka.Serialization;
using static CommunityStream.Chat.Rooms.RoomEvents;

namespace CommunityStream.Chat.Rooms;

/// <summary>
/// Writes room events to the journal as System.Text.Json from generated code, with a short manifest per type.
/// Akka's default (Newtonsoft, reflection) cost about 6 % of the Host's CPU in the many-small-rooms profile
/// (docs/notes/decisions.md). Rows written before keep their serializer id and are still read by Newtonsoft.
/// </summary>
internal sealed class RoomEventSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Akka reserves 0–100; this id is stored in every journal row written with this serializer.</summary>
    public const int Id = 1701;

    private static readonly FrozenDictionary<Type, string> Manifests = new Dictionary<Type, string>
    {
        [typeof(RoomCreated)] = "created",
        [typeof(MessagePosted)] = "posted",
        [typeof(MessageDeleted)] = "deleted",
        [typeof(UserTimedOut)] = "timed-out",
        [typeof(UserBanned)] = "banned",
        [typeof(UserUnbanned)] = "unbanned",
        [typeof(ChatCleared)] = "cleared",
        [typeof(SlowModeChanged)] = "slow",
        [typeof(MembersOnlyChanged)] = "members-only",
        [typeof(EmoteOnlyChanged)] = "emote-only",
        [typeof(ModeratorAdded)] = "mod-added",
        [typeof(ModeratorRemoved)] = "mod-removed",
        [typeof(SettingsChanged)] = "settings",
        [typeof(RoomClosed)] = "closed",
        [typeof(RoomReopened)] = "reopened",
        [typeof(AccountForgotten)] = "forgotten",
        [typeof(OwnerAssigned)] = "owner-assigned",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, Type> Types = Manifests.ToFrozenDictionary(pair => pair.Value, pair => pair.Key);

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        Manifests.TryGetValue(o.GetType(), out var manifest) ? manifest : throw new ArgumentException($"Not a room event: {o.GetType()}.", nameof(o));

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, Info(obj.GetType()));

    public override object FromBinary(byte[] bytes, string manifest) =>
        Types.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, Info(type)) ?? throw new SerializationException($"Empty room event '{manifest}'.")
            : throw new SerializationException($"Unknown room event manifest '{manifest}'.");

    private static JsonTypeInfo Info(Type type) =>
        RoomEventJsonContext.Default.GetTypeInfo(type) ?? throw new ArgumentException($"No JSON contract for {type}.", nameof(type));
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RoomCreated))]
[JsonSerializable(typeof(MessagePosted))]
[JsonSerializable(typeof(MessageDeleted))]
[JsonSerializable(typeof(UserTimedOut))]
[JsonSerializable(typeof(UserBanned))]
[JsonSerializable(typeof(UserUnbanned))]
[JsonSerializable(typeof(ChatCleared))]
[JsonSerializable(typeof(SlowModeChanged))]
[JsonSerializable(typeof(MembersOnlyChanged))]
[JsonSerializable(typeof(EmoteOnlyChanged))]
[JsonSerializable(typeof(ModeratorAdded))]
[JsonSerializable(typeof(ModeratorRemoved))]
[JsonSerializable(typeof(SettingsChanged))]
[JsonSerializable(typeof(RoomClosed))]
[JsonSerializable(typeof(RoomReopened))]
[JsonSerializable(typeof(AccountForgotten))]
[JsonSerializable(typeof(OwnerAssigned))]
internal sealed partial class RoomEventJsonContext : JsonSerializerContext;
