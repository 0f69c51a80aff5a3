using System.Globalization;

namespace CommunityStream.Fuzz;

/// <summary>Command line: <c>--target all|ws|wsguard|wsframe|json|sdp|stun|dtls|rtp|rtcp --iterations N --seed S [--input HEX]</c>.</summary>
internal sealed record FuzzOptions(string Target, long Iterations, int Seed, string? InputHex)
{
    public const string Usage = """
        usage: CommunityStream.Fuzz [--target all|ws|wsguard|wsframe|json|sdp|stun|dtls|rtp|rtcp] [--iterations N] [--seed S]
                                    [--target T --input HEX]   (reproduce one input a run printed)
        defaults: --target all --iterations 100000 --seed 1; --iterations counts inputs per target
        """;

    public static FuzzOptions? Parse(string[] args)
    {
        var options = new FuzzOptions("all", 100_000, 1, null);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--target" when value is not null && (value == "all" || FuzzTargets.Names.Contains(value)):
                    options = options with { Target = value };
                    break;
                case "--iterations" when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var iterations) && iterations >= 0:
                    options = options with { Iterations = iterations };
                    break;
                case "--seed" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed):
                    options = options with { Seed = seed };
                    break;
                case "--input" when value is not null:
                    options = options with { InputHex = value };
                    break;
                default:
                    return null;
            }
            i++;
        }
        return options.InputHex is not null && options.Target == "all" ? null : options;
    }
}
