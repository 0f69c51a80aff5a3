namespace CommunityStream.WebRtc.Tests.Transport;

public class DatagramClassifierTests
{
    [Theory]
    [InlineData(0x00, 0x01, 20, (int)DatagramKind.Stun)]
    [InlineData(0x01, 0x01, 20, (int)DatagramKind.Stun)]
    [InlineData(0x03, 0x01, 20, (int)DatagramKind.Stun)]
    [InlineData(0x00, 0x01, 19, (int)DatagramKind.Unknown)]
    [InlineData(0x04, 0x00, 20, (int)DatagramKind.Unknown)]
    [InlineData(20, 0xfe, 13, (int)DatagramKind.Dtls)]
    [InlineData(22, 0xfe, 13, (int)DatagramKind.Dtls)]
    [InlineData(63, 0x00, 13, (int)DatagramKind.Dtls)]
    [InlineData(64, 0x00, 13, (int)DatagramKind.Unknown)] // TURN channel range, not used here
    [InlineData(0x80, 96, 12, (int)DatagramKind.Rtp)]
    [InlineData(0x80, 96 | 0x80, 12, (int)DatagramKind.Rtp)]
    [InlineData(0x80, 111, 12, (int)DatagramKind.Rtp)]
    [InlineData(0x81, 200, 8, (int)DatagramKind.Rtcp)]
    [InlineData(0x8f, 205, 8, (int)DatagramKind.Rtcp)]
    [InlineData(0x81, 206, 8, (int)DatagramKind.Rtcp)]
    [InlineData(0x80, 223, 8, (int)DatagramKind.Rtcp)]
    [InlineData(0xbf, 200, 8, (int)DatagramKind.Rtcp)]
    [InlineData(0xc0, 200, 8, (int)DatagramKind.Unknown)]
    public void Should_classify_by_first_byte(int first, int second, int length, int expected)
    {
        var datagram = new byte[length];
        datagram[0] = (byte)first;
        if (length > 1)
        {
            datagram[1] = (byte)second;
        }

        Assert.Equal((DatagramKind)expected, DatagramClassifier.Classify(datagram));
    }

    [Fact]
    public void Should_classify_an_empty_datagram_as_unknown() =>
        Assert.Equal(DatagramKind.Unknown, DatagramClassifier.Classify([]));
}
