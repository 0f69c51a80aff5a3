using System.CommandLine;
using System.Net;

namespace CommunityStream.Cli;

/// <summary>Runs a command's body against a node and turns every failure into one line on stderr and an exit code.</summary>
internal sealed class CommandActions(GlobalOptions options, CliEnvironment environment)
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public GlobalOptions Options => options;

    public CliEnvironment Environment => environment;

    /// <summary>Sets <paramref name="command"/>'s action: open a session (with the token unless <paramref name="anonymous"/>), run, report.</summary>
    public Command Set(Command command, Func<ParseResult, CliSession, CancellationToken, Task> body, bool anonymous = false)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            CliSession? session = null;
            try
            {
                session = CliSession.Open(parse, options, environment, anonymous);
                await body(parse, session, cancellationToken);
                return Ok;
            }
            catch (UsageException ex)
            {
                await environment.Error.WriteLineAsync($"csctl: {ex.Message}");
                return Usage;
            }
            catch (AdminApiException ex)
            {
                await environment.Error.WriteLineAsync($"csctl: {ex.Message}");
                if (ex.Status == (int)HttpStatusCode.Unauthorized && !anonymous)
                {
                    await environment.Error.WriteLineAsync(session?.HasToken == true
                        ? "csctl: the token was refused (expired, revoked, or not this cluster's); run 'csctl login' or pass --token."
                        : "csctl: no token; run 'csctl login', or pass --token / set CSCTL_TOKEN.");
                }
                return Failed;
            }
            catch (HttpRequestException ex)
            {
                await environment.Error.WriteLineAsync($"csctl: cannot reach {session?.Url}: {ex.Message}");
                return Failed;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await environment.Error.WriteLineAsync($"csctl: {session?.Url} did not answer in time.");
                return Failed;
            }
            finally
            {
                session?.Dispose();
            }
        });
        return command;
    }
}
