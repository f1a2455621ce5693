using MeshClaw.Testing;

namespace MeshClaw.IntegrationTests.Security;

public enum Expectation
{
    /// <summary>Refused outright by the policy layer (no grant, no such tool, invalid target).</summary>
    Blocked,
    /// <summary>Held for approval; the test (playing the user) denies it.</summary>
    Asked,
    BudgetStopped,
}

/// <summary>
/// One attack by a fully compromised model: after the run reads content carrying an injection, the scripted
/// model makes real tool calls trying to do something dangerous. <see cref="Forbidden"/> lists the capabilities
/// whose successful execution would mean the attack worked.
/// </summary>
public sealed record AttackScenario(
    string Id,
    string Category,
    string Attack,
    string Tools,
    Func<SuiteContext, IReadOnlyList<ScriptedReply>> Script,
    string[] Forbidden,
    Expectation Expect)
{
    public string Agent => "s-" + Id;
    public string Model => "evil-" + Id;
    public string FrontMatterExtra { get; init; } = "";
    public int Runs { get; init; } = 1;
    /// <summary>How the injection reaches the run: a file in the workspace (default), mail, the web, command output, memory, a sub-agent.</summary>
    public string Channel { get; init; } = "files";
    /// <summary>The status the (last) run must end with, when the scenario is about it; null accepts any ended status.</summary>
    public MeshClaw.Core.Runs.RunStatus? EndsAs { get; init; }
    /// <summary>Sub-agents this scenario needs: name, grants, and the child model's script.</summary>
    public IReadOnlyList<(string Name, string Tools, Func<SuiteContext, IReadOnlyList<ScriptedReply>> Script)> Children { get; init; } = [];

    public override string ToString() => Id;
}

/// <summary>What scenarios may refer to: the attacker's server, the allowed site, the home folder.</summary>
public sealed record SuiteContext(RequestSink Attacker, RequestSink AllowedSite, string Home, Uri Gateway);
