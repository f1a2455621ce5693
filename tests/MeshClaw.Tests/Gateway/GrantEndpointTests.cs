using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using MeshClaw.Core.Approvals;
using MeshClaw.Core.Events;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Access;
using MeshClaw.Host.Api;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;

namespace MeshClaw.Tests.Gateway;

/// <summary>Grants through the doors people use: the API the CLI calls, and the dashboard's forms.</summary>
public sealed partial class GrantEndpointTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Agents = new() { ["worker"] = "model: main\ntools: [shell.exec]" };
    private ScriptedModelServer _models = null!;

    public async Task InitializeAsync() => _models = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync() => await _models.DisposeAsync();

    private static ScriptedReply Touch(string file) => ScriptedReply.ToolCall("run_command", $$"""{"command":"touch {{file}}"}""");

    private static async Task<(Approval Approval, Task<RunView> Run)> HeldRunAsync(InProcessGateway gateway, string message)
    {
        using var events = gateway.Get<IEventStream>().Subscribe();
        var run = gateway.RunAsync("worker", message);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var requested = await events.WaitForAsync<ApprovalRequested>(_ => true, limit.Token);
        return (requested.Approval, run);
    }

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();

    [Fact]
    public async Task ApprovedForThisRun_TheRunsNextCallGoesAhead_TheNextRunAsksAgain_AndTheGrantIsListedWithItsUse()
    {
        // forget is irreversible, so it asks; its answer is trusted, so the run stays untainted (a tainted run would ask
        // again whatever the grant: grants never outrank taint, PolicyGateTests shows it).
        static ScriptedReply Forget(int id) => ScriptedReply.ToolCall("forget", $$"""{"id":{{id}}}""");
        _models.For("scripted-main").Reply(Forget(1)).Reply(Forget(2)).Reply(ScriptedReply.Text("both forgotten"))
            .Reply(Forget(3)).Reply(ScriptedReply.Text("refused three"));
        await using var gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string> { ["worker"] = "model: main\ntools: [memory.forget]" });
        using var client = gateway.ApiClient();

        var (first, firstRun) = await HeldRunAsync(gateway, "forget one and two");
        using var approved = await client.PostAsJsonAsync(new Uri($"api/approvals/{first.Id}/approve", UriKind.Relative), new AnswerBody(For: "run"), ApiJson.Options);
        var run = await firstRun;
        var during = await client.GetFromJsonAsync<List<GrantView>>(new Uri("api/grants?all=true", UriKind.Relative), ApiJson.Options);
        var (second, secondRun) = await HeldRunAsync(gateway, "forget three");
        using var denied = await client.PostAsync(new Uri($"api/approvals/{second.Id}/deny", UriKind.Relative), null);
        await secondRun;
        var decisions = (await gateway.Get<Core.Audit.IAuditReader>().RecentAsync(100, null, default)).Where(r => r.Kind == "policy.decision").OrderBy(r => r.Seq).ToList();

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(3, decisions.Count);
        Assert.Contains($"standing rule #1 (for run {run.Id})", decisions[1].Data, StringComparison.Ordinal);
        Assert.Contains("\"verdict\":\"ask\"", decisions[2].Data, StringComparison.Ordinal);
        Assert.NotEqual(run.Id, second.RunId);
        var grant = Assert.Single(during!);
        Assert.Equal(("run", run.Id, "{}", first.Id, 1L), (grant.Scope, grant.RunId, grant.Match, grant.Approval, grant.Uses));
        Assert.Equal(ApprovalStatus.Denied, (await gateway.Get<IApprovalStore>().GetAsync(second.Id, default))!.Status);
    }

    [Fact]
    public async Task Api_ApprovesForAnHour_RevokesOnce_AndRefusesAnUnknownScope()
    {
        _models.For("scripted-main").Reply(Touch("hour")).Reply(ScriptedReply.Text("done"));
        await using var gateway = await InProcessGateway.StartAsync(_models, Agents);
        using var client = gateway.ApiClient();
        var (approval, pending) = await HeldRunAsync(gateway, "make it");

        using var unknown = await client.PostAsJsonAsync(new Uri($"api/approvals/{approval.Id}/approve", UriKind.Relative), new AnswerBody(For: "week"), ApiJson.Options);
        using var matchWithoutScope = await client.PostAsJsonAsync(new Uri($"api/approvals/{approval.Id}/approve", UriKind.Relative), new AnswerBody(Fields: ["command"]), ApiJson.Options);
        var answered = await (await client.PostAsJsonAsync(new Uri($"api/approvals/{approval.Id}/approve", UriKind.Relative), new AnswerBody(For: "hour"), ApiJson.Options))
            .Content.ReadFromJsonAsync<ApprovalView>(ApiJson.Options);
        await pending;
        var listed = Assert.Single((await client.GetFromJsonAsync<List<GrantView>>(new Uri("api/grants", UriKind.Relative), ApiJson.Options))!);
        using var revoke = await client.PostAsync(new Uri($"api/grants/{listed.Id}/revoke", UriKind.Relative), null);
        using var again = await client.PostAsync(new Uri($"api/grants/{listed.Id}/revoke", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("'week' is not a scope", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, matchWithoutScope.StatusCode);
        Assert.Equal(answered!.StandingRuleId, listed.Id);
        Assert.Equal(("hour", gateway.Time.GetUtcNow().AddHours(1)), (listed.Scope, listed.ExpiresAt));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<List<GrantView>>(new Uri("api/grants", UriKind.Relative), ApiJson.Options))!);
        Assert.StartsWith("revoked by user:", Assert.Single((await client.GetFromJsonAsync<List<GrantView>>(new Uri("api/grants?all=true", UriKind.Relative), ApiJson.Options))!).EndReason,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_ApprovesForToday_ListsTheGrantWithItsScope_AndRevokesItWithTheFormToken()
    {
        _models.For("scripted-main").Reply(Touch("today")).Reply(ScriptedReply.Text("done"));
        await using var gateway = await InProcessGateway.StartAsync(_models, Agents);
        using var browser = await gateway.DashboardClientAsync();
        var (approval, pending) = await HeldRunAsync(gateway, "make it");
        var page = await browser.GetStringAsync(new Uri("approvals", UriKind.Relative));
        var csrf = CsrfField().Match(page).Groups[1].Value;

        using var approve = await browser.PostAsync(new Uri($"approvals/{approval.Id}/approve", UriKind.Relative),
            new FormUrlEncodedContent([new(AccessServices.CsrfField, csrf), new("for", "today")]));
        await pending;
        var withGrant = await browser.GetStringAsync(new Uri("approvals", UriKind.Relative));
        var grant = Assert.Single(gateway.Get<Core.Policy.IStandingRules>().All);
        using var forged = await browser.PostAsync(new Uri($"grants/{grant.Id}/revoke", UriKind.Relative), new FormUrlEncodedContent([new(AccessServices.CsrfField, "forged")]));
        var stillThere = gateway.Get<Core.Policy.IStandingRules>().All.Count;
        using var revoke = await browser.PostAsync(new Uri($"grants/{grant.Id}/revoke", UriKind.Relative), new FormUrlEncodedContent([new(AccessServices.CsrfField, csrf)]));

        Assert.Equal(HttpStatusCode.Redirect, approve.StatusCode);
        Assert.Equal(Core.Policy.GrantScope.Today, grant.Scope);
        Assert.Contains($"id=\"grant-{grant.Id}\" data-scope=\"today\"", withGrant, StringComparison.Ordinal);
        Assert.Contains($"action=\"/grants/{grant.Id}/revoke\"", withGrant, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(1, stillThere);
        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        Assert.Empty(gateway.Get<Core.Policy.IStandingRules>().All);
    }
}
