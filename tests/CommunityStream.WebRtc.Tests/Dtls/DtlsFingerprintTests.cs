using CommunityStream.WebRtc.Dtls;

namespace CommunityStream.WebRtc.Tests.Dtls;

public sealed class DtlsFingerprintTests
{
    [Fact]
    public void Should_round_trip_the_SDP_form_and_match_only_its_own_certificate()
    {
        var certificate = DtlsCertificate.Generate(TimeSpan.FromDays(1));
        var other = DtlsCertificate.Generate(TimeSpan.FromDays(1));

        var text = certificate.Fingerprint.ToString();
        var parsed = DtlsFingerprint.Parse(text);

        Assert.Matches("^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$", text);
        Assert.Equal(certificate.Fingerprint, parsed);
        Assert.True(parsed!.Matches(certificate.Der));
        Assert.False(parsed.Matches(other.Der));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha-256")]
    [InlineData("sha-256 ZZ:00")]
    [InlineData("sha-256 0:1:2")]
    public void Should_refuse_malformed_fingerprints(string text) => Assert.Null(DtlsFingerprint.Parse(text));

    [Fact]
    public void Should_not_match_with_another_hash_algorithm_even_if_the_bytes_agree()
    {
        var certificate = DtlsCertificate.Generate(TimeSpan.FromDays(1));
        var sha1Claim = certificate.Fingerprint with { Algorithm = "sha-1" };

        Assert.False(sha1Claim.Matches(certificate.Der));
    }
}
