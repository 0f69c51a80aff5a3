using CommunityStream.Capacity;

// Prints docs/capacity.md's table for a mix of users: `dotnet run --project bench/CommunityStream.Capacity -- --hls-share 0.5`.
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(MixOptions.Usage);
    return 0;
}
TrafficMix mix;
try
{
    mix = MixOptions.Parse(args);
}
catch (FormatException ex)
{
    await Console.Error.WriteLineAsync($"{ex.Message}\n{MixOptions.Usage}");
    return 2;
}
Console.Write(CapacityTable.Render(mix, CapacityModel.Plan(mix)));
return 0;
