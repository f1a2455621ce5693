using MeshClaw.Cli.Gateway;
using MeshClaw.Cli.Output;
using MeshClaw.Core.Configuration;
using MeshClaw.Host.Configuration;

namespace MeshClaw.Cli.Commands;

/// <summary>Turns the errors a user can act on into one clear line and an exit code, never a stack trace.</summary>
public static class CommandGuard
{
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Unavailable = 3;

    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (GatewayUnavailableException ex)
        {
            Terminal.Error(ex.Message);
            return Unavailable;
        }
        catch (GatewayRequestException ex)
        {
            Terminal.Error(ex.Message);
            return Failed;
        }
        catch (MeshClaw.Host.Backup.BackupException ex)
        {
            Terminal.Error(ex.Message);
            return ex.ExitCode;
        }
        catch (ConfigException ex)
        {
            Terminal.Error(ex.Message);
            return Usage;
        }
        catch (OperationCanceledException)
        {
            Terminal.Error("cancelled");
            return 130;
        }
    }
}
