using MeshClaw.Core.Idle;

namespace MeshClaw.Tests.Gateway;

/// <summary>Memory is given back once after a burst, when the gateway has gone quiet, and never while runs go on or when nothing grew.</summary>
public sealed class TrimDecisionTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void AfterABurst_TrimsOnceTheGatewayHasBeenQuietForTwoLooks_AndOnlyOnce()
    {
        var decision = new TrimDecision(8 * MiB);
        Assert.False(decision.Look(activeRuns: 0, committed: 20 * MiB));   // idle: the baseline
        Assert.False(decision.Look(activeRuns: 500, committed: 70 * MiB)); // the burst
        Assert.False(decision.Look(activeRuns: 0, committed: 70 * MiB));   // quiet once: maybe a gap between runs

        Assert.True(decision.Look(activeRuns: 0, committed: 70 * MiB));
        decision.Trimmed(22 * MiB);

        Assert.False(decision.Look(activeRuns: 0, committed: 22 * MiB));
        Assert.False(decision.Look(activeRuns: 0, committed: 23 * MiB));
    }

    [Fact]
    public void WhileRunsGoOn_NeverTrims()
    {
        var decision = new TrimDecision(8 * MiB);
        decision.Look(0, 20 * MiB);
        for (var i = 0; i < 10; i++)
        {
            Assert.False(decision.Look(activeRuns: i % 2 == 0 ? 3 : 0, committed: (40 + i) * MiB));
        }
    }

    [Fact]
    public void AQuietGatewayThatDidNotGrow_IsLeftAlone()
    {
        var decision = new TrimDecision(8 * MiB);
        for (var i = 0; i < 10; i++)
        {
            Assert.False(decision.Look(activeRuns: 0, committed: 20 * MiB + i * 100_000));
        }
    }
}
