namespace MeshClaw.Host.Gateway;

/// <summary>
/// <c>meshclaw up</c>: starts the gateway, tells the user where it listens (and the access token on first start),
/// and serves until Ctrl-C or SIGTERM, when runs in flight are cancelled (or parked, when waiting for an approval)
/// and recorded as such.
/// </summary>
public static class GatewayServer
{
    public static async Task<int> RunAsync(GatewayOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        MeshClawGateway gateway;
        try
        {
            gateway = await MeshClawGateway.StartAsync(options, cancellationToken);
        }
        catch (GatewayStartException ex)
        {
            await output.WriteLineAsync($"error: {ex.Message}");
            return ex.ExitCode;
        }

        await using (gateway)
        {
            await StartupReport.WriteAsync(output, gateway.Report);
            await gateway.WaitForShutdownAsync(cancellationToken);
        }

        return 0;
    }
}
