using CommunityStream.Cli;

return await Csctl.RunAsync(args, CliEnvironment.FromProcess());
