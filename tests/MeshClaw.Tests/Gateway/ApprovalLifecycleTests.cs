using System.Net;
using System.Net.Http.Json;
using MeshClaw.Core.Approvals;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Events;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Api;
using MeshClaw.Host.Composition;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Tests.Gateway;

/// <summary>
/// Approvals end with their run: they expire on the (fake) clock, close when the run is cancelled, cannot be answered
/// after either, and a parked run resumed after a restart while paused stays parked until MeshClaw is resumed.
/// </summary>
public sealed class ApprovalLifecycleTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Agents = new() { ["worker"] = "model: main\ntools: [shell.exec, files.read]" };
    private ScriptedModelServer _models = null!;

    public async Task InitializeAsync() => _models = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync() => await _models.DisposeAsync();

    private void ScriptTouch(string file) =>
        _models.For("scripted-main").Reply(ScriptedReply.ToolCall("run_command", $$"""{"command":"touch {{file}}"}""")).Reply(ScriptedReply.Text("done"));

    /// <summary>Starts an autonomous run that waits for approval, and returns the approval and the run's completion.</summary>
    private static async Task<(Approval Approval, Task<RunView> Run)> HeldRunAsync(InProcessGateway gateway)
    {
        using var events = gateway.Get<IEventStream>().Subscribe();
        var run = gateway.RunAsync("worker", "make the file");
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var requested = await events.WaitForAsync<ApprovalRequested>(_ => true, limit.Token);
        return (requested.Approval, run);
    }

    private static async Task<HttpResponseMessage> ApproveAsync(InProcessGateway gateway, string id, bool always = false)
    {
        using var client = gateway.ApiClient();
        return await client.PostAsJsonAsync(new Uri($"api/approvals/{id}/approve", UriKind.Relative), new AnswerBody(always), ApiJson.Options);
    }

    [Fact]
    public async Task UnansweredApproval_ExpiresOnTheClock_AndCannotBeApprovedAfterwards()
    {
        ScriptTouch("late");
        await using var gateway = await InProcessGateway.StartAsync(_models, Agents);
        var (approval, pending) = await HeldRunAsync(gateway);

        gateway.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var run = await pending;
        using var late = await ApproveAsync(gateway, approval.Id);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(ApprovalStatus.Expired, (await gateway.Get<IApprovalStore>().GetAsync(approval.Id, default))!.Status);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.False(File.Exists(Path.Combine(gateway.Home.WorkspaceOf("worker"), "late")));
    }

    [Fact]
    public async Task ApprovalOfARunThatEndedAnInstantAgo_BeforeItsWithdrawal_IsRefusedSayingTheRunEnded()
    {
        ScriptTouch("raced");
        await using var gateway = await InProcessGateway.StartAsync(_models, Agents);
        var (approval, _) = await HeldRunAsync(gateway);
        // The run's end is recorded a moment before its approvals are withdrawn (RunLifecycle.EndAsync): answer in between.
        await gateway.Get<IRunStore>().CompleteAsync(new RunId(approval.RunId), RunStatus.Cancelled, "cancelled", null, RunUsage.Zero, gateway.Time.GetUtcNow(), default);

        using var answer = await ApproveAsync(gateway, approval.Id);

        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        Assert.Contains($"can no longer be answered: run {approval.RunId} has ended; nothing was done", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Pending, (await gateway.Get<IApprovalStore>().GetAsync(approval.Id, default))!.Status);
        Assert.False(File.Exists(Path.Combine(gateway.Home.WorkspaceOf("worker"), "raced")));
    }

    [Fact]
    public async Task CancelledRun_WithdrawsItsApproval_WhichCanThenNeitherBeApprovedNorBecomeAStandingRule()
    {
        ScriptTouch("never");
        await using var gateway = await InProcessGateway.StartAsync(_models, Agents);
        var (approval, pending) = await HeldRunAsync(gateway);
        using var client = gateway.ApiClient();

        (await client.PostAsync(new Uri($"api/runs/{approval.RunId}/cancel", UriKind.Relative), null)).EnsureSuccessStatusCode();
        var run = await pending;
        using var answer = await ApproveAsync(gateway, approval.Id, always: true);

        Assert.Equal(RunStatus.Cancelled, run.Status);
        var closed = (await gateway.Get<IApprovalStore>().GetAsync(approval.Id, default))!;
        Assert.Equal(ApprovalStatus.Withdrawn, closed.Status);
        Assert.Contains("ended cancelled", closed.Note, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        Assert.Contains("withdrawn", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(gateway.Get<IStandingRules>().All);
        Assert.Empty(await gateway.Get<IApprovalStore>().PendingAsync(default));
    }

    [Fact]
    public async Task ParkedRun_ResumedAfterARestartWhilePaused_StaysParked_UntilResume()
    {
        ScriptTouch("after-resume");
        var first = await InProcessGateway.StartAsync(_models, Agents);
        var home = first.Home;
        var (approval, _) = await HeldRunAsync(first);
        await first.StopAsync();
        await using (var offline = OfflineMeshClaw.Open(home))
        {
            // Paused while the gateway was down (as `meshclaw pause` against a stopped gateway would).
            await offline.GetRequiredService<MeshClaw.Core.Composition.IStoreInitializer>().InitializeAsync(default);
            await offline.GetRequiredService<IPauseSwitch>().PauseAsync("user:test", default);
        }

        var second = await InProcessGateway.StartAsync(_models, Agents, home: home);
        using var events = second.Get<IEventStream>().Subscribe();
        using var approved = await ApproveAsync(second, approval.Id);
        var runs = second.Get<IRunStore>();
        var whilePaused = (await runs.GetAsync(new RunId(approval.RunId), default))!.Run;

        await second.Get<IPauseSwitch>().ResumeAsync("user:test", default);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ended = await events.WaitForAsync<RunEnded>(e => e.Run.Id.Value == approval.RunId, limit.Token);

        Assert.Equal(0, second.Gateway.Report.Parked);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(RunStatus.WaitingApproval, whilePaused.Status);
        Assert.Equal(RunStatus.Succeeded, ended.Run.Status);
        Assert.True(File.Exists(Path.Combine(home.WorkspaceOf("worker"), "after-resume")), "the approved call did not run after resume");
        await second.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(home.Root, recursive: true);
    }

    [Fact]
    public async Task ParkedRun_WhoseAgentIsGoneAtResume_FailsLikeAnyRun_AndItsApprovalCannotBeAnswered()
    {
        ScriptTouch("orphan");
        var first = await InProcessGateway.StartAsync(_models, Agents);
        var home = first.Home;
        var (approval, _) = await HeldRunAsync(first);
        await first.StopAsync();
        await using (var offline = OfflineMeshClaw.Open(home))
        {
            // Paused while down, so the restart leaves the run parked until the test is listening.
            await offline.GetRequiredService<MeshClaw.Core.Composition.IStoreInitializer>().InitializeAsync(default);
            await offline.GetRequiredService<IPauseSwitch>().PauseAsync("user:test", default);
        }

        File.Delete(Path.Combine(home.Agents, "worker.md"));
        var second = await InProcessGateway.StartAsync(_models, new Dictionary<string, string>(), home: home);
        using var events = second.Get<IEventStream>().Subscribe();
        await second.Get<IPauseSwitch>().ResumeAsync("user:test", default);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ended = await events.WaitForAsync<RunEnded>(e => e.Run.Id.Value == approval.RunId, limit.Token);
        using var late = await ApproveAsync(second, approval.Id);
        var audit = await second.Get<IAuditReader>().RecentAsync(50, approval.RunId, default);

        Assert.Equal(RunStatus.Failed, ended.Run.Status);
        Assert.Contains("could not be resumed after a restart: no agent named 'worker'", ended.Run.StatusReason, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Failed, (await second.Get<IRunStore>().GetAsync(new RunId(approval.RunId), default))!.Run.Status);
        Assert.Equal(ApprovalStatus.Withdrawn, (await second.Get<IApprovalStore>().GetAsync(approval.Id, default))!.Status);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains(audit, a => a.Kind == "run.ended" && a.Data.Contains("\"Failed\"", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(home.WorkspaceOf("worker"), "orphan")));
        await second.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(home.Root, recursive: true);
    }

    [Fact]
    public async Task CallerHangingUpWhileTheRunWaitsForApproval_LeavesItWaiting_AndTheApprovalStillFinishesIt()
    {
        ScriptTouch("after-hang-up");
        await using var gateway = await InProcessGateway.StartAsync(_models, Agents);
        using var events = gateway.Get<IEventStream>().Subscribe();
        using var client = gateway.ApiClient();
        using var hangUp = new CancellationTokenSource();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var call = client.PostAsJsonAsync(new Uri("api/runs", UriKind.Relative), new StartRunBody("worker", "make the file"), ApiJson.Options, hangUp.Token);
        var requested = (await events.WaitForAsync<ApprovalRequested>(_ => true, limit.Token)).Approval;

        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        var detached = await AuditRowAsync(gateway, requested.RunId, "run.detached");
        using var approved = await ApproveAsync(gateway, requested.Id);
        var ended = await events.WaitForAsync<RunEnded>(e => e.Run.Id.Value == requested.RunId, limit.Token);

        Assert.Contains(requested.Id, detached.Data, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(RunStatus.Succeeded, ended.Run.Status);
        Assert.True(File.Exists(Path.Combine(gateway.Home.WorkspaceOf("worker"), "after-hang-up")));
    }

    [Fact]
    public async Task CallerHangingUpWhileTheRunWorks_CancelsIt()
    {
        var release = new TaskCompletionSource();
        _models.For("scripted-main").Reply(ScriptedReply.After(release.Task, ScriptedReply.Text("too late")));
        await using var gateway = await InProcessGateway.StartAsync(_models, Agents);
        using var events = gateway.Get<IEventStream>().Subscribe();
        using var client = gateway.ApiClient();
        using var hangUp = new CancellationTokenSource();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var call = client.PostAsJsonAsync(new Uri("api/runs", UriKind.Relative), new StartRunBody("worker", "think slowly"), ApiJson.Options, hangUp.Token);
        await _models.WaitForRequestAsync(r => r.Model == "scripted-main", TimeSpan.FromSeconds(30));

        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        var ended = await events.WaitForAsync<RunEnded>(_ => true, limit.Token);
        release.SetResult();

        Assert.Equal(RunStatus.Cancelled, ended.Run.Status);
    }

    /// <summary>The run's audit row of the kind, once written (it is written after the caller's hang-up is noticed), with a deadline.</summary>
    private static async Task<AuditRecord> AuditRowAsync(InProcessGateway gateway, string runId, string kind)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if ((await gateway.Get<IAuditReader>().RecentAsync(50, runId, deadline.Token)).FirstOrDefault(a => a.Kind == kind) is { } row)
            {
                return row;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no {kind} audit row for run {runId} within 30 s");
            }
        }
    }
}
