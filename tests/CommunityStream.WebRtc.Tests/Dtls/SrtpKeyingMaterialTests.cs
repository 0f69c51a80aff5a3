using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Srtp;

namespace CommunityStream.WebRtc.Tests.Dtls;

public sealed class SrtpKeyingMaterialTests
{
    [Theory]
    [InlineData(SrtpProfile.Aes128CmHmacSha1Tag80, 60)]
    [InlineData(SrtpProfile.AeadAes128Gcm, 56)]
    public void Should_split_client_key_server_key_client_salt_server_salt(SrtpProfile profile, int length)
    {
        // RFC 5764 §4.2: client_write_key | server_write_key | client_write_salt | server_write_salt.
        var exported = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        var saltLength = profile.SaltLength();

        var server = SrtpKeyingMaterial.Split(profile, exported, isServer: true);
        var client = SrtpKeyingMaterial.Split(profile, exported, isServer: false);

        Assert.Equal(length, SrtpKeyingMaterial.ExportLength(profile));
        Assert.Equal(exported[..16], client.LocalKey);
        Assert.Equal(exported[16..32], server.LocalKey);
        Assert.Equal(exported[32..(32 + saltLength)], client.LocalSalt);
        Assert.Equal(exported[(32 + saltLength)..], server.LocalSalt);
        Assert.Equal(server.LocalKey, client.RemoteKey);
        Assert.Equal(client.LocalSalt, server.RemoteSalt);
    }
}
