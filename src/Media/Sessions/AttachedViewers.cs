namespace CommunityStream.Media.Sessions;

/// <summary>The viewer sessions attached to a live feed, so the feed can close them all when it ends.</summary>
internal sealed class AttachedViewers
{
    private readonly Lock _gate = new();
    private readonly List<ViewerSession> _viewers = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _viewers.Count;
            }
        }
    }

    public void Add(ViewerSession viewer)
    {
        lock (_gate)
        {
            _viewers.Add(viewer);
        }
    }

    /// <summary>Removes the viewer; returns how many remain.</summary>
    public int Remove(ViewerSession viewer)
    {
        lock (_gate)
        {
            _viewers.Remove(viewer);
            return _viewers.Count;
        }
    }

    /// <summary>Closes every attached viewer (outside the lock: closing detaches).</summary>
    public void CloseAll(string reason)
    {
        ViewerSession[] viewers;
        lock (_gate)
        {
            viewers = [.. _viewers];
        }
        foreach (var viewer in viewers)
        {
            viewer.Close(reason);
        }
    }
}
