namespace CommunityStream.Media.Forwarding;

/// <summary>The two kinds of track a stream carries.</summary>
internal enum MediaKind
{
    Audio,
    Video,
}
