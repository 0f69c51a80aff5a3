namespace CommunityStream.Media.Hls;

/// <summary>A window's subscribers (the publisher node's end of a mirror link, <see cref="HlsOriginActor"/>).</summary>
internal sealed partial class HlsChannelWindow
{
    /// <summary>
    /// Hands <paramref name="listener"/> the events that rebuild the window as it is now, then every later event, all
    /// under the window's lock and in order (so nothing is missed or doubled; the listener must not block).
    /// </summary>
    public IDisposable Subscribe(Action<HlsWindowEvent> listener)
    {
        lock (_gate)
        {
            var snapshot = new List<HlsWindowEvent> { new HlsWindowBegin(Epoch, Settings, DiscontinuitySequence) };
            var initsSent = new HashSet<int>();
            foreach (var segment in _segments)
            {
                if (initsSent.Add(segment.InitId))
                {
                    snapshot.Add(new HlsInitAdded(segment.InitId, _inits[segment.InitId]));
                }
                snapshot.AddRange(segment.Parts);
            }
            if (_initId != 0 && initsSent.Add(_initId))
            {
                snapshot.Add(new HlsInitAdded(_initId, _inits[_initId]));
            }
            if (Ended)
            {
                snapshot.Add(HlsWindowEnded.Instance);
            }
            snapshot.Add(HlsSnapshotSent.Instance);
            foreach (var change in snapshot)
            {
                listener(change);
            }
            _listeners.Add(listener);
            return new Unsubscriber(this, listener);
        }
    }

    private sealed class Unsubscriber(HlsChannelWindow window, Action<HlsWindowEvent> listener) : IDisposable
    {
        public void Dispose()
        {
            lock (window._gate)
            {
                window._listeners.Remove(listener);
            }
        }
    }
}
