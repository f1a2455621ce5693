using System.Text.Json;
using MeshClaw.Connectors.Email.Inbox;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;
using Microsoft.Extensions.Time.Testing;

namespace MeshClaw.Tests.Policy;

public sealed class PolicyGateTests
{
    private sealed class Tool(string name, string capability, ToolRisk risk) : IAgentTool
    {
        public string Name => name;
        public string Capability => capability;
        public ToolRisk Risk => risk;
        public string Description => name;
        public JsonElement ParametersSchema => JsonDocument.Parse("{}").RootElement;
        public Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) => Task.FromResult(new ToolResult("ok"));
    }

    private sealed class Rules(params StandingRule[] rules) : IStandingRules
    {
        public IReadOnlyList<StandingRule> All => rules;

        public List<long> Used { get; } = [];

        public StandingRule? Match(string agent, string capability, JsonElement arguments, GrantContext context) =>
            rules.FirstOrDefault(r => r.Allows(agent, capability, arguments, context));

        public Task LoadAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<StandingRule> AddAsync(StandingRule rule, CancellationToken cancellationToken) => Task.FromResult(rule with { Id = rules.Length + 1 });

        public Task<bool> EndAsync(long id, string reason, DateTimeOffset at, CancellationToken cancellationToken) => Task.FromResult(false);

        public Task UsedAsync(long id, DateTimeOffset at, CancellationToken cancellationToken)
        {
            Used.Add(id);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<StandingRule>> ListAsync(bool includeEnded, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<StandingRule>>(rules);

        public Task<StandingRule?> GetAsync(long id, CancellationToken cancellationToken) => Task.FromResult(rules.FirstOrDefault(r => r.Id == id));
    }

    private sealed class Pause(bool paused) : IPauseSwitch
    {
        public bool IsPaused => paused;

        public event Action? Paused
        {
            add { }
            remove { }
        }

        public event Action? Resumed
        {
            add { }
            remove { }
        }

        public Task LoadAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PauseAsync(string by, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ResumeAsync(string by, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class Rates(int lastHour) : IActionRates
    {
        public ValueTask<int> ChangedSinceAsync(string agent, string capability, DateTimeOffset since, CancellationToken cancellationToken) => ValueTask.FromResult(lastHour);
    }

    private static readonly IAgentTool Move = new Tool("move_file", "files.move", ToolRisk.ReversibleWrite);
    private static readonly IAgentTool Shell = new Tool("run_command", "shell.exec", ToolRisk.ExecutesCode);
    private static readonly IAgentTool Send = new Tool("send_mail", "email.send", ToolRisk.SendsOutside);
    private static readonly IAgentTool Read = new Tool("read_file", "files.read", ToolRisk.Read);
    private static readonly IAgentTool Config = new Tool("update_config", "meshclaw.config", ToolRisk.ChangesMeshClaw);
    private static readonly IAgentTool Delegate = new Tool("delegate_to_agent", "agents.delegate", ToolRisk.Read);

    private static AgentDefinition Agent(params string[] grants) => new() { Name = "inbox", Instructions = "x", SourcePath = "x.md", Tools = grants };

    private static async Task<PolicyDecision> DecideAsync(IAgentTool tool, AgentDefinition agent, RunSecurityState? state = null, ToolCallPlan? plan = null,
        PolicySettings? settings = null, IStandingRules? rules = null, bool paused = false, int lastHour = 0, object? args = null, TimeProvider? time = null)
    {
        var policy = settings ?? new PolicySettings();
        var gate = new PolicyGate(() => policy, rules ?? new Rules(), new Pause(paused), new Rates(lastHour), time ?? TimeProvider.System);
        return await gate.DecideAsync(new ToolCallRequest(agent, new RunId("run_t"), tool, JsonSerializer.SerializeToElement(args ?? new { }),
            plan ?? new ToolCallPlan(tool.Risk), state ?? new RunSecurityState(new RunTrigger(RunTriggerKind.Schedule))), default);
    }

    [Fact]
    public async Task Defaults_AllowReadsAndReversibleWrites_AskForTheRest_DenyWithoutGrant()
    {
        var agent = Agent("files.*", "shell.exec", "email.send", "meshclaw.config");

        Assert.Equal(PolicyVerdict.Allow, (await DecideAsync(Read, agent)).Verdict);
        Assert.Equal(PolicyVerdict.Allow, (await DecideAsync(Move, agent)).Verdict);
        Assert.Equal(PolicyVerdict.Ask, (await DecideAsync(Shell, agent)).Verdict);
        Assert.Equal(PolicyVerdict.Ask, (await DecideAsync(Send, agent)).Verdict);
        Assert.Equal(PolicyVerdict.Ask, (await DecideAsync(Config, agent)).Verdict);
        Assert.Equal(PolicyVerdict.Deny, (await DecideAsync(Read, Agent())).Verdict);
    }

    [Fact]
    public async Task Taint_MakesEvenLoosenedAndAllowListedCallsAsk()
    {
        var agent = Agent("shell.exec", "email.send");
        var tainted = new RunSecurityState(new RunTrigger(RunTriggerKind.Schedule));
        tainted.Taint("tool:read_mail");
        var loosened = new PolicySettings { Loosened = [new PolicyLoosening("inbox", "email.send")] };

        Assert.Equal(PolicyVerdict.Allow, (await DecideAsync(Send, agent, settings: loosened)).Verdict);
        Assert.Equal(PolicyVerdict.Ask, (await DecideAsync(Send, agent, tainted, settings: loosened)).Verdict);
        Assert.Equal(PolicyVerdict.Allow, (await DecideAsync(Shell, agent, plan: new ToolCallPlan(ToolRisk.ExecutesCode) { AllowListed = true })).Verdict);
        var decision = await DecideAsync(Shell, agent, tainted, plan: new ToolCallPlan(ToolRisk.ExecutesCode) { AllowListed = true });
        Assert.Equal(PolicyVerdict.Ask, decision.Verdict);
        Assert.Contains("tool:read_mail", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Taint_LetsOnlyAnAllowListedCommandThatIsContainedRun()
    {
        var agent = Agent("shell.exec", "email.send");
        var tainted = new RunSecurityState(new RunTrigger(RunTriggerKind.Schedule));
        tainted.Taint("tool:run_command");

        var contained = await DecideAsync(Shell, agent, tainted, plan: new ToolCallPlan(ToolRisk.ExecutesCode) { AllowListed = true, Contained = true });
        var uncontained = await DecideAsync(Shell, agent, tainted, plan: new ToolCallPlan(ToolRisk.ExecutesCode) { AllowListed = true, Contained = false });
        var unlisted = await DecideAsync(Shell, agent, tainted, plan: new ToolCallPlan(ToolRisk.ExecutesCode) { AllowListed = false, Contained = true });
        var send = await DecideAsync(Send, agent, tainted, plan: new ToolCallPlan(ToolRisk.SendsOutside) { AllowListed = true, Contained = true });

        Assert.Equal(PolicyVerdict.Allow, contained.Verdict);
        Assert.Contains("in the sandbox", contained.Reason, StringComparison.Ordinal);
        Assert.Equal(PolicyVerdict.Ask, uncontained.Verdict);
        Assert.Contains("tool:run_command", uncontained.Reason, StringComparison.Ordinal);
        Assert.Equal(PolicyVerdict.Ask, unlisted.Verdict);
        Assert.Equal(PolicyVerdict.Ask, send.Verdict);
    }

    [Fact]
    public async Task SubagentFanOut_IsCountedOverTheWholeRunTree_AndDeniedBeyondTheLimit()
    {
        var agent = Agent("agents.delegate");
        var root = new RunSecurityState(new RunTrigger(RunTriggerKind.Schedule));
        var child = new RunSecurityState(new RunTrigger(RunTriggerKind.Subagent), parent: root);
        var settings = new PolicySettings { SubagentCallsPerRun = 3 };

        // Two calls from the root and one from its sub-run use up the tree's three; the fourth is denied wherever it comes from.
        Assert.Equal(PolicyVerdict.Allow, (await DecideAsync(Delegate, agent, root, settings: settings)).Verdict);
        Assert.Equal(PolicyVerdict.Allow, (await DecideAsync(Delegate, agent, child, settings: settings)).Verdict);
        Assert.Equal(PolicyVerdict.Allow, (await DecideAsync(Delegate, agent, root, settings: settings)).Verdict);
        var fourth = await DecideAsync(Delegate, agent, child, settings: settings);
        Assert.Equal(PolicyVerdict.Deny, fourth.Verdict);
        Assert.Contains("policy.subagentCallsPerRun", fourth.Reason, StringComparison.Ordinal);
        Assert.Equal(PolicyVerdict.Deny, (await DecideAsync(Delegate, agent, root, settings: settings)).Verdict);
    }

    [Fact]
    public async Task SubagentDepth_IsDeniedBeyondTheLimit()
    {
        var agent = Agent("agents.delegate");
        var root = new RunSecurityState(new RunTrigger(RunTriggerKind.Schedule));
        var child = new RunSecurityState(new RunTrigger(RunTriggerKind.Subagent), parent: root);
        var grandchild = new RunSecurityState(new RunTrigger(RunTriggerKind.Subagent), parent: child);

        Assert.Equal(PolicyVerdict.Allow, (await DecideAsync(Delegate, agent, child)).Verdict);
        var tooDeep = await DecideAsync(Delegate, agent, grandchild);
        Assert.Equal(PolicyVerdict.Deny, tooDeep.Verdict);
        Assert.Contains("at most 2 deep", tooDeep.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BulkAndRateLimits_TurnReversibleWritesIntoQuestions()
    {
        var agent = Agent("files.move");
        var state = new RunSecurityState(new RunTrigger(RunTriggerKind.Schedule));
        state.CountChanged("files.move", 25);

        Assert.Equal(PolicyVerdict.Ask, (await DecideAsync(Move, agent, state)).Verdict);
        Assert.Equal(PolicyVerdict.Allow, (await DecideAsync(Move, agent, lastHour: 199)).Verdict);
        Assert.Equal(PolicyVerdict.Ask, (await DecideAsync(Move, agent, lastHour: 200)).Verdict);
        Assert.Equal(PolicyVerdict.Ask, (await DecideAsync(Move, agent, plan: new ToolCallPlan(ToolRisk.ReversibleWrite) { Items = 26 })).Verdict);
    }

    [Fact]
    public async Task StandingRule_AllowsOnlyCallsWithTheSameValues()
    {
        var agent = Agent("email.send");
        var rule = new StandingRule(7, "inbox", "email.send", JsonSerializer.SerializeToElement(new { to = "boss@example.com" }), DateTimeOffset.UnixEpoch);

        var same = await DecideAsync(Send, agent, rules: new Rules(rule), args: new { to = "boss@example.com", body = "hi" });
        var other = await DecideAsync(Send, agent, rules: new Rules(rule), args: new { to = "attacker@evil.example", body = "hi" });

        Assert.Equal((PolicyVerdict.Allow, "standing rule #7"), (same.Verdict, same.Reason));
        Assert.Equal(PolicyVerdict.Ask, other.Verdict);
    }

    [Fact]
    public async Task RunGrant_AllowsInItsRunsSubRun_ButNotInAnotherRun_AndCountsItsUse_AndNeverOutranksTaint()
    {
        var agent = Agent("email.send");
        var grant = new StandingRule(3, "inbox", "email.send", JsonSerializer.SerializeToElement(new { }), DateTimeOffset.UnixEpoch) { Scope = GrantScope.Run, RunId = "run_root" };
        var rules = new Rules(grant);
        var root = new RunSecurityState(new RunTrigger(RunTriggerKind.Schedule)) { Run = "run_root" };
        var sub = new RunSecurityState(new RunTrigger(RunTriggerKind.Subagent), parent: root) { Run = "run_t" };
        var tainted = new RunSecurityState(new RunTrigger(RunTriggerKind.Subagent), parent: root) { Run = "run_t" };
        tainted.Taint("tool:email_read");

        var inSubRun = await DecideAsync(Send, agent, sub, rules: rules, args: new { to = "anyone@example.com" });
        var elsewhere = await DecideAsync(Send, agent, rules: rules, args: new { to = "anyone@example.com" });
        var afterUntrusted = await DecideAsync(Send, agent, tainted, rules: rules, args: new { to = "anyone@example.com" });

        Assert.Equal((PolicyVerdict.Allow, "standing rule #3 (for run run_root)"), (inSubRun.Verdict, inSubRun.Reason));
        Assert.Equal(PolicyVerdict.Ask, elsewhere.Verdict);
        Assert.Equal(PolicyVerdict.Ask, afterUntrusted.Verdict);
        Assert.Equal([3L], rules.Used);
    }

    [Fact]
    public async Task TimedGrant_AllowsUntilItsExpiry_ThenAsks()
    {
        var agent = Agent("email.send");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var grant = new StandingRule(4, "inbox", "email.send", JsonSerializer.SerializeToElement(new { }), time.GetUtcNow())
        {
            Scope = GrantScope.Hour, ExpiresAt = time.GetUtcNow().AddHours(1),
        };

        var before = await DecideAsync(Send, agent, rules: new Rules(grant), time: time);
        time.Advance(TimeSpan.FromHours(1));
        var after = await DecideAsync(Send, agent, rules: new Rules(grant), time: time);

        Assert.Equal(PolicyVerdict.Allow, before.Verdict);
        Assert.Equal(PolicyVerdict.Ask, after.Verdict);
    }

    [Fact]
    public async Task Paused_DeniesAutonomousRuns_ButNotChat()
    {
        var agent = Agent("files.read");

        Assert.Equal(PolicyVerdict.Deny, (await DecideAsync(Read, agent, paused: true)).Verdict);
        Assert.Equal(PolicyVerdict.Allow, (await DecideAsync(Read, agent, new RunSecurityState(new RunTrigger(RunTriggerKind.Chat), interactive: true), paused: true)).Verdict);
    }

    [Fact]
    public async Task QuietHours_HoldAutonomousChanges_InTheUsersTimeZone_AcrossMidnight()
    {
        // 22:00-07:00 in Berlin; the fake clock says 23:30 Berlin time (22:30 UTC in winter), then 07:30.
        var agent = Agent("files.move") with { QuietHours = QuietHours.TryParse("22:00-07:00") };
        var berlin = new PolicySettings { TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin") };
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 22, 30, 0, TimeSpan.Zero));

        var night = await DecideAsync(Move, agent, settings: berlin, time: time);
        var watched = await DecideAsync(Move, agent, new RunSecurityState(new RunTrigger(RunTriggerKind.Cli), interactive: true), settings: berlin, time: time);
        time.Advance(TimeSpan.FromHours(8));
        var morning = await DecideAsync(Move, agent, settings: berlin, time: time);

        Assert.Equal(PolicyVerdict.Ask, night.Verdict);
        Assert.Contains("quiet hours (22:00-07:00)", night.Reason, StringComparison.Ordinal);
        Assert.Equal(PolicyVerdict.Allow, watched.Verdict);
        Assert.Equal(PolicyVerdict.Allow, morning.Verdict);
    }

    [Fact]
    public async Task SystemAllowance_AppliesOnlyToTheSystemAgentInASystemRun_AndNeverWhilePaused()
    {
        var purge = new Tool("email_purge", "email.purge", ToolRisk.IrreversibleWrite);
        var system = new AgentDefinition { Name = QuarantinePurge.AgentName, Instructions = "", SourcePath = "(built in)", Tools = ["email.purge"] };
        var systemRun = new RunSecurityState(new RunTrigger(RunTriggerKind.System)) { SystemAllowances = new QuarantinePurge(null!, null!, null!, TimeProvider.System).Decided };

        var allowed = await DecideAsync(purge, system, systemRun, plan: new ToolCallPlan(ToolRisk.IrreversibleWrite) { Items = 400 });
        var agentAsks = await DecideAsync(purge, Agent("email.purge"), systemRun);
        var notSystemRun = await DecideAsync(purge, system, new RunSecurityState(new RunTrigger(RunTriggerKind.Api)) { SystemAllowances = systemRun.SystemAllowances });
        var paused = await DecideAsync(purge, system, systemRun, paused: true);

        Assert.Equal(PolicyVerdict.Allow, allowed.Verdict);
        Assert.Contains("retention period", allowed.Reason, StringComparison.Ordinal);
        Assert.Equal(PolicyVerdict.Ask, agentAsks.Verdict);
        Assert.Equal(PolicyVerdict.Ask, notSystemRun.Verdict);
        Assert.Equal(PolicyVerdict.Deny, paused.Verdict);
    }

    [Fact]
    public async Task AForbiddenPlan_IsDenied_WhateverLoosensTheRest()
    {
        var loosened = new PolicySettings { Loosened = [new PolicyLoosening("inbox", "shell.exec")] };
        var rule = new StandingRule(1, "inbox", "shell.exec", JsonSerializer.SerializeToElement(new { }), DateTimeOffset.UnixEpoch);

        var decision = await DecideAsync(Shell, Agent("shell.exec"), plan: new ToolCallPlan(ToolRisk.ExecutesCode) { AllowListed = true, Forbidden = "no" },
            settings: loosened, rules: new Rules(rule), state: new RunSecurityState(new RunTrigger(RunTriggerKind.Cli), interactive: true));

        Assert.Equal(PolicyVerdict.Deny, decision.Verdict);
    }

    [Fact]
    public async Task BulkBeyondTheLimit_AfterUntrustedContent_IsDenied_ButAProceduresReviewedBatchStillAsks()
    {
        var plan = new ToolCallPlan(ToolRisk.ReversibleWrite) { Items = 30 };
        var tainted = new RunSecurityState(new RunTrigger(RunTriggerKind.Schedule), inheritedTaint: ["mail"]);
        var clean = new RunSecurityState(new RunTrigger(RunTriggerKind.Schedule));
        var system = new RunSecurityState(new RunTrigger(RunTriggerKind.System, "inbox-triage"), inheritedTaint: ["mail"]);
        var inbox = new RunSecurityState(new RunTrigger(RunTriggerKind.Schedule), inheritedTaint: ["mail"]) { ModelChoosesCalls = false };

        Assert.Equal(PolicyVerdict.Deny, (await DecideAsync(Move, Agent("files.move"), tainted, plan)).Verdict);
        Assert.Equal(PolicyVerdict.Ask, (await DecideAsync(Move, Agent("files.move"), clean, plan)).Verdict);
        Assert.Equal(PolicyVerdict.Ask, (await DecideAsync(Move, Agent("files.move"), system, plan)).Verdict);
        Assert.Equal(PolicyVerdict.Ask, (await DecideAsync(Move, Agent("files.move"), inbox, plan)).Verdict);
    }

    [Fact]
    public async Task ABlockedRun_AsksForEveryChange_AndMayNotTouchWhatTheRefusedCallNamed()
    {
        var state = new RunSecurityState(new RunTrigger(RunTriggerKind.Schedule), inheritedTaint: ["mail"]);
        state.Block("send_mail was refused", PolicyGate.ItemsOf(new ToolCallPlan(ToolRisk.SendsOutside), JsonSerializer.SerializeToElement(new { draft_id = "d-17", to = "x@evil.example", body = "hello" })));

        var otherMove = await DecideAsync(Move, Agent("files.move"), state, args: new { from = "a.txt", to = "b.txt" });
        var coverTracks = await DecideAsync(Move, Agent("files.move"), state, args: new { id = "d-17", to = "Trash" });
        var read = await DecideAsync(Read, Agent("files.read"), state);
        var child = new RunSecurityState(new RunTrigger(RunTriggerKind.Schedule), parent: state);
        var childMove = await DecideAsync(Move, Agent("files.move"), child, args: new { from = "a.txt", to = "b.txt" });

        Assert.Equal(PolicyVerdict.Ask, otherMove.Verdict);
        Assert.Contains("met an attack", otherMove.Reason, StringComparison.Ordinal);
        Assert.Equal(PolicyVerdict.Deny, coverTracks.Verdict);
        Assert.Equal(PolicyVerdict.Allow, read.Verdict);
        Assert.Equal(PolicyVerdict.Ask, childMove.Verdict);
    }

    [Fact]
    public async Task ABlockedSubRun_BlocksItsParent()
    {
        var root = new RunSecurityState(new RunTrigger(RunTriggerKind.Schedule));
        var child = new RunSecurityState(new RunTrigger(RunTriggerKind.Schedule), inheritedTaint: ["mail"], parent: root);

        child.Block("refused", []);

        Assert.NotNull(root.Blocked);
        Assert.Equal(PolicyVerdict.Ask, (await DecideAsync(Move, Agent("files.move"), root)).Verdict);
    }

    [Fact]
    public async Task SuggestMode_TurnsEveryChangeIntoAProposal_EvenWhatRulesAllow_AndIsInheritedOneWay()
    {
        var rule = new StandingRule(1, "inbox", "files.move", JsonSerializer.SerializeToElement(new { }), DateTimeOffset.UnixEpoch);
        var state = new RunSecurityState(new RunTrigger(RunTriggerKind.Cli), interactive: true);
        state.EnterSuggestMode();
        var child = new RunSecurityState(new RunTrigger(RunTriggerKind.Cli), interactive: true, parent: state);

        var move = await DecideAsync(Move, Agent("files.move"), state, rules: new Rules(rule));
        var allowListed = await DecideAsync(Shell, Agent("shell.exec"), state, new ToolCallPlan(ToolRisk.ExecutesCode) { AllowListed = true });
        var read = await DecideAsync(Read, Agent("files.read"), state);
        var childMove = await DecideAsync(Move, Agent("files.move"), child);

        Assert.Equal(PolicyVerdict.Ask, move.Verdict);
        Assert.Contains("suggest mode", move.Reason, StringComparison.Ordinal);
        Assert.Equal(PolicyVerdict.Ask, allowListed.Verdict);
        Assert.Equal(PolicyVerdict.Allow, read.Verdict);
        Assert.Equal(PolicyVerdict.Ask, childMove.Verdict);
        Assert.True(child.SuggestOnly);
    }

    [Fact]
    public void TheSuggestModeTool_IsHeldByEveryAgentThatMayChangeSomething_AndOnlyBySuch()
    {
        var catalog = new ToolCatalog([Move, Read, new MeshClaw.Core.Tools.BuiltIn.SuggestModeTool()]);

        Assert.Contains(catalog.Granted(["files.move"]), t => t.Name == "enter_suggest_mode");
        Assert.DoesNotContain(catalog.Granted(["files.read"]), t => t.Name == "enter_suggest_mode");
    }
}
