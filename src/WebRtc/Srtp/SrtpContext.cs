using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using CommunityStream.WebRtc.Rtp;

namespace CommunityStream.WebRtc.Srtp;

/// <summary>
/// One direction of an SRTP session (RFC 3711 §3.2): the keys of a profile plus per-SSRC rollover counters, SRTCP
/// indices and replay windows. Packets are protected and unprotected in place in a caller buffer that has room for the
/// tag (<see cref="RtpOverhead"/>, <see cref="RtcpOverhead"/>). Receive state is created and advanced only for packets
/// that authenticate, so forged traffic cannot move the ROC, poison the replay window or make state grow. A context is
/// not thread-safe: the transport uses one for sending and one for receiving, each from a single thread at a time.
/// </summary>
public sealed class SrtpContext : IDisposable
{
    /// <summary>Bound on SSRCs tracked per direction; authenticated packets of further SSRCs are refused.</summary>
    public const int MaxStreams = 256;

    private readonly SrtpCipher _rtp;
    private readonly SrtpCipher _rtcp;
    private readonly Dictionary<uint, SrtpStreamState> _rtpStreams = [];
    private readonly Dictionary<uint, SrtcpStreamState> _rtcpStreams = [];

    // State for a not-yet-seen SSRC, kept across forged packets so they cost no allocation.
    private SrtpStreamState _spareRtpState = new();

    // The last two SSRCs protected (a viewer's audio and video), so the per-copy path skips the dictionary.
    private uint _recentSsrc0;
    private uint _recentSsrc1;
    private SrtpStreamState? _recent0;
    private SrtpStreamState? _recent1;

    private SrtpContext(SrtpProfile profile, SrtpSessionKeys rtp, SrtpSessionKeys rtcp)
    {
        Profile = profile;
        _rtp = SrtpCipher.Create(profile, rtp);
        _rtcp = SrtpCipher.Create(profile, rtcp);
    }

    /// <summary>The protection profile negotiated by DTLS-SRTP.</summary>
    public SrtpProfile Profile { get; }

    /// <summary>Bytes <see cref="TryProtectRtp"/> appends (the tag): spare room the buffer needs.</summary>
    public int RtpOverhead => Profile.RtpOverhead();

    /// <summary>Bytes <see cref="TryProtectRtcp"/> appends (E flag + index and the tag).</summary>
    public int RtcpOverhead => Profile.RtcpOverhead();

    /// <summary>From the master key and salt exported by DTLS-SRTP (RFC 5764 §4.2) for this direction.</summary>
    public static SrtpContext Create(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        var (rtp, rtcp) = SrtpKeyDerivation.Derive(profile, masterKey, masterSalt);
        return new SrtpContext(profile, rtp, rtcp);
    }

    /// <summary>From session keys directly; the RFC 7714 vectors are given that way.</summary>
    internal static SrtpContext FromSessionKeys(SrtpProfile profile, SrtpSessionKeys rtp, SrtpSessionKeys rtcp) =>
        new(profile, rtp, rtcp);

    /// <summary>Sets the rollover counter of an SSRC before its first packet (RFC 3711 §3.3.1).</summary>
    public void SetRolloverCounter(uint ssrc, uint rolloverCounter) => GetOrAddRtp(ssrc)?.Reset(rolloverCounter);

    /// <summary>Sets the SRTCP index the next RTCP packet of <paramref name="ssrc"/> is sent with (31 bits).</summary>
    public void SetNextSrtcpIndex(uint ssrc, uint index)
    {
        var state = GetOrAddRtcp(ssrc);
        if (state is not null)
        {
            state.NextSendIndex = index & SrtcpStreamState.IndexMask;
        }
    }

    /// <summary>The rollover counter of <paramref name="ssrc"/>, or 0 for an SSRC not seen yet.</summary>
    public uint GetRolloverCounter(uint ssrc) => _rtpStreams.TryGetValue(ssrc, out var s) ? s.RolloverCounter : 0;

    /// <summary>
    /// Protects the RTP packet in <c>buffer[..length]</c>; the tag is appended, so the buffer needs
    /// <see cref="RtpOverhead"/> spare bytes. False if the packet is not RTP or does not fit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryProtectRtp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if ((uint)length > (uint)buffer.Length || buffer.Length - length < RtpOverhead
            || !RtpHeader.TryRead(buffer[..length], out var header))
        {
            return false;
        }

        var state = GetOrAddRtp(header.Ssrc);
        if (state is null || !state.TryEstimate(header.SequenceNumber, out var roc, out _))
        {
            return false;
        }

        _rtp.ProtectRtp(buffer, header.HeaderLength, length, header.Ssrc, roc, header.SequenceNumber);
        state.CommitSent(header.SequenceNumber, roc);
        protectedLength = length + RtpOverhead;
        return true;
    }

    /// <summary>
    /// Authenticates and decrypts the SRTP packet in <c>buffer[..length]</c> in place. False for malformed, forged,
    /// replayed or too-old packets; the replay window and ROC only advance on success (RFC 3711 §3.3).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryUnprotectRtp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        if ((uint)length > (uint)buffer.Length || length < RtpHeader.FixedLength + RtpOverhead
            || !RtpHeader.TryRead(buffer[..(length - RtpOverhead)], out var header))
        {
            return false;
        }

        _rtpStreams.TryGetValue(header.Ssrc, out var state);
        var probe = state ?? _spareRtpState;
        if (!probe.TryEstimate(header.SequenceNumber, out var roc, out var index) || probe.Replay.IsReplay(index))
        {
            return false;
        }

        if (!_rtp.UnprotectRtp(buffer, header.HeaderLength, length, header.Ssrc, roc, header.SequenceNumber))
        {
            return false;
        }

        if (state is null)
        {
            if (_rtpStreams.Count >= MaxStreams)
            {
                return false;
            }

            _rtpStreams[header.Ssrc] = probe;
            _spareRtpState = new SrtpStreamState();
        }

        probe.Commit(header.SequenceNumber, roc);
        plainLength = length - RtpOverhead;
        return true;
    }

    /// <summary>Protects an RTCP (compound) packet: encrypts, appends E flag + SRTCP index and the tag.</summary>
    public bool TryProtectRtcp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if ((uint)length > (uint)buffer.Length || length < 8 || buffer.Length - length < RtcpOverhead || buffer[0] >> 6 != 2)
        {
            return false;
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        var state = GetOrAddRtcp(ssrc);
        if (state is null)
        {
            return false;
        }

        _rtcp.ProtectRtcp(buffer, length, ssrc, state.TakeSendIndex());
        protectedLength = length + RtcpOverhead;
        return true;
    }

    /// <summary>Authenticates and decrypts an SRTCP packet in place; replays and forgeries are refused.</summary>
    public bool TryUnprotectRtcp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        if ((uint)length > (uint)buffer.Length || length < 8 + RtcpOverhead || buffer[0] >> 6 != 2)
        {
            return false;
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);

        // The E flag and index sit before the tag for AES-CM (RFC 3711 §3.4) and after it for GCM (RFC 7714 §9).
        var indexOffset = Profile == SrtpProfile.AeadAes128Gcm ? length - 4 : length - RtcpOverhead;
        var word = BinaryPrimitives.ReadUInt32BigEndian(buffer[indexOffset..]);
        var encrypted = (word & 0x8000_0000u) != 0;
        var index = word & SrtcpStreamState.IndexMask;

        _rtcpStreams.TryGetValue(ssrc, out var state);
        if (state is not null && state.Replay.IsReplay(index))
        {
            return false;
        }

        if (!_rtcp.UnprotectRtcp(buffer, length, ssrc, index, encrypted))
        {
            return false;
        }

        if (state is null)
        {
            if (_rtcpStreams.Count >= MaxStreams)
            {
                return false;
            }

            state = new SrtcpStreamState();
            _rtcpStreams[ssrc] = state;
        }

        state.Replay.Accept(index);
        plainLength = length - RtcpOverhead;
        return true;
    }

    private SrtpStreamState? GetOrAddRtp(uint ssrc)
    {
        if (_recent0 is not null && _recentSsrc0 == ssrc)
        {
            return _recent0;
        }
        if (_recent1 is not null && _recentSsrc1 == ssrc)
        {
            return _recent1;
        }
        if (_rtpStreams.TryGetValue(ssrc, out var state))
        {
            Remember(ssrc, state);
            return state;
        }

        if (_rtpStreams.Count >= MaxStreams)
        {
            return null;
        }

        state = new SrtpStreamState();
        _rtpStreams[ssrc] = state;
        Remember(ssrc, state);
        return state;
    }

    private void Remember(uint ssrc, SrtpStreamState state)
    {
        (_recentSsrc1, _recent1) = (_recentSsrc0, _recent0);
        (_recentSsrc0, _recent0) = (ssrc, state);
    }

    private SrtcpStreamState? GetOrAddRtcp(uint ssrc)
    {
        if (_rtcpStreams.TryGetValue(ssrc, out var state))
        {
            return state;
        }

        if (_rtcpStreams.Count >= MaxStreams)
        {
            return null;
        }

        state = new SrtcpStreamState();
        _rtcpStreams[ssrc] = state;
        return state;
    }

    /// <summary>Releases the AES and HMAC state.</summary>
    public void Dispose()
    {
        _rtp.Dispose();
        _rtcp.Dispose();
    }
}
