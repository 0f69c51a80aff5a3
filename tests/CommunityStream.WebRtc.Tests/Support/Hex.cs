namespace CommunityStream.WebRtc.Tests.Support;

/// <summary>Hex strings from the RFCs, with whitespace allowed.</summary>
internal static class Hex
{
    public static byte[] Decode(string hex) =>
        Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));
}
