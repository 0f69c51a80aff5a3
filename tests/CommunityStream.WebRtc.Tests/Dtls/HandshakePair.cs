using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Srtp;

namespace CommunityStream.WebRtc.Tests.Dtls;

/// <summary>A DTLS server session and a client session wired to each other through two loopback UDP sockets.</summary>
internal sealed class HandshakePair : IDisposable
{
    private HandshakePair(UdpLoopbackPeer serverSocket, UdpLoopbackPeer clientSocket, DtlsSession server, DtlsSession client)
    {
        ServerSocket = serverSocket;
        ClientSocket = clientSocket;
        Server = server;
        Client = client;
    }

    public UdpLoopbackPeer ServerSocket { get; }

    public UdpLoopbackPeer ClientSocket { get; }

    public DtlsSession Server { get; }

    public DtlsSession Client { get; }

    public static HandshakePair Start(
        DtlsHandshaker server,
        DtlsHandshaker client,
        IReadOnlyList<SrtpProfile> offered,
        DtlsFingerprint? serverExpects = null,
        DtlsFingerprint? clientExpects = null,
        bool offerExtendedMasterSecret = true,
        Func<byte[], bool>? dropServerFlight = null)
    {
        var serverSocket = new UdpLoopbackPeer { DropOutgoing = dropServerFlight };
        var clientSocket = new UdpLoopbackPeer();
        var clientId = clientSocket.EndPoint.Serialize().Buffer.ToArray();
        var serverSession = server.AcceptServer(clientId, serverExpects ?? ClientFingerprintOf(client), serverSocket.SenderTo(clientSocket.EndPoint));
        serverSocket.StartReceiving(datagram => serverSession.Receive(datagram));
        var clientSession = client.Connect(clientExpects ?? ServerFingerprintOf(server), offered, clientSocket.SenderTo(serverSocket.EndPoint), offerExtendedMasterSecret);
        clientSocket.StartReceiving(datagram => clientSession.Receive(datagram));
        return new HandshakePair(serverSocket, clientSocket, serverSession, clientSession);
    }

    public void Dispose()
    {
        Server.Dispose();
        Client.Dispose();
        ServerSocket.Dispose();
        ClientSocket.Dispose();
    }

    private static DtlsFingerprint ClientFingerprintOf(DtlsHandshaker handshaker) => handshaker.Certificate.Fingerprint;

    private static DtlsFingerprint ServerFingerprintOf(DtlsHandshaker handshaker) => handshaker.Certificate.Fingerprint;
}
