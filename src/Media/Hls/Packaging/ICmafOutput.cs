namespace CommunityStream.Media.Hls.Packaging;

/// <summary>Where a channel's packager hands what it produces, in order, from the one thread that feeds it.</summary>
internal interface ICmafOutput
{
    /// <summary>
    /// The initialization segment (ftyp + moov) for the codec configuration now in use. Called before the first
    /// part, and again when the configuration changes (new SPS/PPS): the next part is then independent, and
    /// playlists mark it with EXT-X-DISCONTINUITY.
    /// </summary>
    void InitSegment(ReadOnlyMemory<byte> init);

    void Part(CmafPart part);

    /// <summary>The packager lost video (a sequence gap) and waits for an IDR: ask the publisher for a keyframe.</summary>
    void KeyframeWanted();
}
