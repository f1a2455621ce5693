using MeshClaw.IntegrationTests.Infrastructure;

namespace MeshClaw.IntegrationTests.Security;

/// <summary>
/// Ids the user types are checked by the CLI before it builds a URL: a path, "..", or control characters are refused
/// with one line that shows them escaped, and no request is made (the URL points at a port nobody listens on, so a
/// request would have answered "the gateway is not running").
/// </summary>
public sealed class CliIdTests : IDisposable
{
    private readonly TestHome _home = new();

    public void Dispose() => _home.Dispose();

    [Theory]
    [InlineData("runs", "show", "../../api/tokens")]
    [InlineData("approvals", "approve", "apr_1/deny")]
    [InlineData("approvals", "show", "..")]
    [InlineData("undo", "--run", "run_\u001b]0;pwned\u0007")]
    [InlineData("journal", "--run", "run_\u202eexe.txt")]
    [InlineData("runs", "show", "run_a\nb")]
    public async Task BadIds_AreRefusedBeforeAnyUrlIsBuilt_AndNeverEchoedRaw(string command, string verbOrOption, string id)
    {
        var result = await MeshClawCli.RunAsync(_home.Root, [command, verbOrOption, id, "--url", "http://127.0.0.1:9/"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("is not a valid", result.Stderr + result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("gateway is not running", result.Stderr + result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain((result.Stderr + result.Stdout).ToCharArray(), c => c is '\u001b' or '\u0007' or '\u202e');
    }

    [Fact]
    public async Task AGoodId_GoesThrough_ToTheGateway()
    {
        var result = await MeshClawCli.RunAsync(_home.Root, ["runs", "show", "run_0123456789abcdefgh", "--url", "http://127.0.0.1:9/"]);

        Assert.Contains("gateway is not running", result.Stderr, StringComparison.Ordinal);
    }
}
