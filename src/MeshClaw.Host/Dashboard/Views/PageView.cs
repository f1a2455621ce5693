using MeshClaw.Core.Approvals;
using MeshClaw.Core.Insights;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Modules;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Usage;
using MeshClaw.Models.Config;
using Microsoft.AspNetCore.Html;

namespace MeshClaw.Host.Dashboard.Views;

// The dashboard's pages as typed models, complete before a slice renders (a slice cannot fail halfway).
// Untrusted text (mail subjects, model output) is plain strings here; the slices encode every one of them.

/// <summary>What every page shares: its title, a notice to show, and the form token (null on the sign-in page).</summary>
public abstract record PageView(string Title, string? Csrf, string? Notice = null)
{
    public LayoutView Layout => new(Title, Csrf, Notice);
}

public sealed record LayoutView(string Title, string? Csrf, string? Notice);

/// <summary>A one-button form that posts to <paramref name="Action"/> with the page's form token and hidden fields.</summary>
public sealed record PostButton(string Action, string? Csrf, string Label, IReadOnlyList<(string Name, string Value)> Fields)
{
    public PostButton(string action, string? csrf, string label, params (string Name, string Value)[] fields) : this(action, csrf, label, (IReadOnlyList<(string, string)>)fields)
    {
    }
}

public sealed record LoginView(string? Error) : PageView("Sign in", null);

public sealed record MessageView(string Title, string? Csrf, string Message) : PageView(Title, Csrf);

public sealed record HomeView(string? Csrf, Overnight Overnight, IReadOnlyList<Approval> Pending, IReadOnlyList<RunRecord> Recent, IReadOnlyList<Outcome> Outcomes, string? ConfigRefused = null,
    IReadOnlyList<RunRecord>? Blocked = null, IReadOnlyList<MeshClaw.Core.Channels.Notification>? Notifications = null)
    : PageView("Home", Csrf, ConfigRefused is null ? null : $"The last edit of config.json was refused, so MeshClaw keeps the configuration it had before: {ConfigRefused}");

/// <summary>The chat page: the agents to pick from, the one asked for, and this page's chat session.</summary>
public sealed record ChatView(string? Csrf, IReadOnlyList<string> Agents, string? Agent, string Session) : PageView("Chat", Csrf);

public sealed record RunsView(string? Csrf, IReadOnlyList<RunRecord> Runs, string? Agent, string? Status) : PageView("Runs", Csrf);

/// <summary>One run; <paramref name="ModelCalls"/> are its usage-ledger rows, each with how it ended (ok, timeout, cancelled, failed).</summary>
public sealed record RunView(string? Csrf, RunDetail Detail, IReadOnlyList<JournalEntry> Actions, UndoResult? Undo = null,
    IReadOnlyList<Core.Usage.UsageRecord>? ModelCalls = null) : PageView($"Run {Detail.Run.Id}", Csrf);

/// <summary>The changes MeshClaw made, newest first, across runs, with an undo button on each that can still be undone.</summary>
public sealed record JournalView(string? Csrf, IReadOnlyList<JournalEntry> Entries, UndoResult? Undo = null) : PageView("Journal", Csrf);

/// <summary>Journal entries with their undo buttons; <paramref name="Back"/> names the page to answer with (null: the entry's run), and adds run columns.</summary>
public sealed record JournalTableView(IReadOnlyList<JournalEntry> Entries, string? Csrf, string? Back)
{
    /// <summary>Entries an undo can still revert (done, with an inverse, not themselves an undo); the rest say why not.</summary>
    public static bool Undoable(JournalEntry entry) => entry is { Status: JournalStatus.Done, Inverse: not null, Undoes: null };
}

public sealed record ApprovalsView(string? Csrf, IReadOnlyList<Approval> Pending, IReadOnlyList<Approval> Answered, IReadOnlyList<Core.Policy.StandingRule> Grants, string? Notice)
    : PageView("Approvals", Csrf, Notice);

public sealed record BudgetRow(string Who, string Limit, decimal Used, decimal Of, double WarnAt)
{
    public double Share => Of <= 0 ? 0 : (double)(Used / Of);
}

public sealed record UsageView(
    string? Csrf, string Days, ValueSummary Value, HtmlString Chart, HtmlString CostChart, IReadOnlyList<BudgetRow> Budgets,
    IReadOnlyList<(string Title, IReadOnlyList<UsageTotal> Totals)> Groupings, IReadOnlyList<Outcome> Outcomes, IReadOnlyList<AskFigure> Asks,
    IReadOnlyList<Core.Triage.TriageAccuracy> Accuracy, IReadOnlyList<Core.Usage.PromptCacheHint> CacheHints) : PageView("Usage and value", Csrf)
{
    public AskFigure AsksTotal => AskFigure.Total(Asks);
}

public sealed record WasteView(string? Csrf, string Days, IReadOnlyList<WasteItem> Waste) : PageView("Waste", Csrf);

public sealed record AgentRow(Core.Agents.AgentDefinition Agent, string Model, RunRecord? LastRun);

public sealed record AgentsView(string? Csrf, bool Paused, IReadOnlyList<AgentRow> Agents, IReadOnlyList<string> Errors, IReadOnlyList<ConnectorRow> Connectors,
    IReadOnlyList<ModelDefinition> Models) : PageView("Agents and connectors", Csrf);

public sealed record ApprovalsTableView(IReadOnlyList<Approval> Approvals, string? Csrf);

/// <summary>Outcomes with their verdict buttons; <paramref name="Back"/> is the page the buttons return to.</summary>
public sealed record OutcomesTableView(IReadOnlyList<Outcome> Outcomes, string? Csrf, string Back);

/// <summary>The rules page: learned rules (proposals first, with accept and reject buttons) and the latest dream's journal lines.</summary>
public sealed record RulesView(string? Csrf, IReadOnlyList<Core.Dreaming.LearnedRule> Rules, IReadOnlyList<Core.Dreaming.DreamLine> LatestDream, string? Notice = null)
    : PageView("Rules", Csrf, Notice);
