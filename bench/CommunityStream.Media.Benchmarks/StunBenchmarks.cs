using System.Net;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using CommunityStream.WebRtc.Stun;

namespace CommunityStream.Media.Benchmarks;

/// <summary>
/// An ICE connectivity check as a browser sends it (USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE,
/// MESSAGE-INTEGRITY, FINGERPRINT): parse + verify both checks, and writing the signed success response.
/// </summary>
[MemoryDiagnoser]
public class StunBenchmarks
{
    private readonly byte[] _request = new byte[256];
    private readonly byte[] _response = new byte[256];
    private readonly byte[] _password = StunCredentials.ShortTermKey("w2ZlS4bBDWvPcYcCa5VjYQ7x");
    private readonly byte[] _transactionId = RandomNumberGenerator.GetBytes(12);
    private readonly IPAddress _address = IPAddress.Parse("192.0.2.10");
    private int _requestLength;

    [GlobalSetup]
    public void Setup()
    {
        var writer = new StunMessageWriter(_request, StunMessageType.BindingRequest, _transactionId);
        writer.AddUsername("Xk3p:9f2Q"u8);
        writer.AddAttribute(0xC057, [0, 1, 0, 10]); // GOOG-NETWORK-INFO, as Chromium sends
        writer.AddIceControlling(0x1122334455667788);
        writer.AddUseCandidate();
        writer.AddPriority(0x6E7F1EFF);
        writer.AddMessageIntegrity(_password);
        writer.AddFingerprint();
        _requestLength = writer.Length;
    }

    [Benchmark]
    public bool ParseAndVerify()
    {
        return StunMessageReader.TryParse(_request.AsSpan(0, _requestLength), out var message)
            && message.VerifyFingerprint()
            && message.VerifyMessageIntegrity(_password)
            && message.TryGetUsername(out _);
    }

    [Benchmark]
    public int WriteSuccessResponse() =>
        StunResponseWriter.WriteBindingSuccess(_response, _transactionId, _address, 50000, _password);
}
