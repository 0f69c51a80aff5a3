namespace CommunityStream.Chat.Delivery;

/// <summary>How a message's author is shown once its owner deleted the account (docs/chat-protocol.md).</summary>
internal static class DeletedAuthor
{
    public const string Name = "deleted user";
}
