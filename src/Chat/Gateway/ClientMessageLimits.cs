using System.Buffers;
using System.Net.WebSockets;

namespace CommunityStream.Chat.Gateway;

/// <summary>
/// One socket's limits on what its client sends, applied to the bytes before the WebSocket reads them: a message over
/// <c>Chat:MaxFrameBytes</c> (announced or added up) closes with 1009 at once, a message not whole within
/// <c>Chat:MessageTimeoutSeconds</c> of its first byte with 1008. The stream under the WebSocket asks
/// <see cref="Admit(ReadOnlySpan{byte})"/> and <see cref="TimeLeft"/>; the connection learns of a breach through
/// <see cref="Listener"/>. One per socket, so its fields are few.
/// </summary>
internal sealed class ClientMessageLimits(int maxMessageBytes, TimeSpan messageTimeout)
{
    /// <summary>Told of a breach, on the reading thread.</summary>
    public interface IListener
    {
        void OnBreach(WebSocketCloseStatus status, string reason);
    }

    // Mutable: never copy it.
    private ClientFrameGuard _guard = new(maxMessageBytes);
    private readonly int _timeoutMs = (int)messageTimeout.TotalMilliseconds;
    private long _messageStarted;
    private IListener? _listener;
    private string? _breachReason;
    private WebSocketCloseStatus _breachStatus;

    /// <summary>True once a limit was broken: the stream hands the WebSocket nothing more.</summary>
    public bool Breached => _breachReason is not null;

    /// <summary>Told once of the close a breach calls for (told at once if the breach came first).</summary>
    public IListener? Listener
    {
        get => _listener;
        set
        {
            _listener = value;
            if (_breachReason is { } reason)
            {
                value?.OnBreach(_breachStatus, reason);
            }
        }
    }

    /// <summary>How long the message under way has left; null between messages (an idle socket has no clock).</summary>
    public TimeSpan? TimeLeft => _guard.Unfinished
        ? TimeSpan.FromMilliseconds(Math.Max(0, _messageStarted + _timeoutMs - Environment.TickCount64))
        : null;

    /// <summary>Checks bytes about to be handed to the WebSocket; false when they break a limit (they must not be).</summary>
    public bool Admit(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            if (!Admit(segment.Span))
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc cref="Admit(ReadOnlySequence{byte})"/>
    public bool Admit(ReadOnlySpan<byte> bytes)
    {
        var unfinished = _guard.Unfinished;
        var ended = _guard.Ended;
        if (_guard.Advance(bytes) == ClientFrameGuard.Verdict.TooBig)
        {
            Breach(WebSocketCloseStatus.MessageTooBig, "frame_too_large");
            return false;
        }
        // A message that began in these bytes is timed from now (close enough: they arrived just now).
        if (_guard.Unfinished && (!unfinished || _guard.Ended != ended))
        {
            _messageStarted = Environment.TickCount64;
        }
        return true;
    }

    /// <summary>The message under way was not whole in time.</summary>
    public void TimedOut() => Breach(WebSocketCloseStatus.PolicyViolation, "message_timeout");

    /// <summary>A limit or rule was broken where the bytes are framed (Chat's own WebSocket framing): reported as the guard's breaches are.</summary>
    public void Breach(WebSocketCloseStatus status, string reason)
    {
        if (_breachReason is not null)
        {
            return;
        }
        _breachStatus = status;
        _breachReason = reason;
        _listener?.OnBreach(status, reason);
    }
}
