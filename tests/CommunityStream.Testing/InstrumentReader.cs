using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.Testing;

/// <summary>
/// Reads a node's <see cref="System.Diagnostics.Metrics"/> instruments the way an exporter does, through a
/// <see cref="MeterListener"/>: only the meters of one service provider (one node, even with several in one
/// process), or of one <see cref="IMeterFactory"/>. Observable instruments report their current value; counters and
/// histograms are summed (a histogram's value is its number of recordings) from the moment the reader exists.
/// </summary>
public sealed class InstrumentReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Instrument, string Tags), double> _values = new();
    private readonly Lock _gate = new();

    /// <summary>Reads the meters made by <paramref name="services"/>' <see cref="IMeterFactory"/>.</summary>
    public InstrumentReader(IServiceProvider services)
        : this(services.GetRequiredService<IMeterFactory>())
    {
    }

    public InstrumentReader(IMeterFactory meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>
    /// The instrument's value now, summed over the measurements whose tags include every one of <paramref name="tags"/>
    /// (<c>"code=bad_json"</c>); null when the instrument reported nothing that matches.
    /// </summary>
    public double? Read(string instrument, params string[] tags)
    {
        lock (_gate)
        {
            _listener.RecordObservableInstruments();
            double? sum = null;
            foreach (var ((name, tagText), value) in _values)
            {
                if (name == instrument && tags.All(tag => tagText.Split('|').Contains(tag)))
                {
                    sum = (sum ?? 0) + value;
                }
            }
            return sum;
        }
    }

    /// <summary><see cref="Read"/>, with 0 for nothing reported.</summary>
    public long Count(string instrument, params string[] tags) => (long)(Read(instrument, tags) ?? 0);

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            parts[i] = $"{tags[i].Key}={tags[i].Value}";
        }
        Array.Sort(parts, StringComparer.Ordinal);
        var key = (instrument.Name, string.Join('|', parts));
        if (instrument.IsObservable)
        {
            _values[key] = value;
        }
        else if (instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == typeof(Histogram<>))
        {
            _values.AddOrUpdate(key, 1, (_, count) => count + 1);
        }
        else
        {
            _values.AddOrUpdate(key, value, (_, sum) => sum + value);
        }
    }
}
