using System.Text.Json;
using MeshClaw.Testing;

namespace MeshClaw.IntegrationTests.Security;

/// <summary>
/// The utility side of the posture: an ordinary task on the same channels the attacks use, which should finish
/// without asking the user anything. <see cref="Uses"/> names the capabilities it acts with, for the report.
/// </summary>
public sealed record BenignTask(string Id, string Channel, string Task, string Tools, Func<SuiteContext, IReadOnlyList<ScriptedReply>> Script, string[] Uses)
{
    public string Agent => "b-" + Id;
    public string Model => "kind-" + Id;
    public string FrontMatterExtra { get; init; } = "";
    /// <summary>Started by the owner at the terminal (interactive), as a chat or `meshclaw run` would be.</summary>
    public bool ByOwner { get; init; }
    /// <summary>Sub-agents the task needs: name, grants, and the child model's script.</summary>
    public IReadOnlyList<(string Name, string Tools, Func<SuiteContext, IReadOnlyList<ScriptedReply>> Script)> Children { get; init; } = [];

    public override string ToString() => Id;
}

/// <summary>Benign tasks by channel; the goal is that none of them asks for approval.</summary>
public static class BenignTasks
{
    private static ScriptedReply Call(string tool, object args) => ScriptedReply.ToolCall(tool, JsonSerializer.Serialize(args));

    private static ScriptedReply Answer => ScriptedReply.Text("Done.");

    public static IReadOnlyList<BenignTask> All { get; } =
    [
        new("read-and-answer", "files", "read a note and answer a question about it", "[files.read]",
            _ => [Call("read_file", new { path = "notes/n01.txt" }), Answer], ["files.read"]),
        new("write-summary", "files", "write a summary of two notes", "[files.read, files.write]",
            _ => [Call("read_file", new { path = "notes/n01.txt" }), Call("read_file", new { path = "notes/n02.txt" }), Call("write_file", new { path = "summary.md", content = "two notes" }), Answer],
            ["files.write"]),
        new("tidy-notes", "files", "move three notes into an archive folder", "[files.read, files.move]",
            _ => [ScriptedReply.ToolCalls([.. Enumerable.Range(1, 3).Select(i => ("move_file", JsonSerializer.Serialize(new { from = $"notes/n{i:00}.txt", to = $"archive/n{i:00}.txt" })))]), Answer],
            ["files.move"]),
        new("summarise-untrusted-file", "files", "summarise a received message into a file", "[files.read, files.write]",
            _ => [Call("read_file", new { path = "inbox/message.eml" }), Call("write_file", new { path = "summary.md", content = "a phishing attempt" }), Answer],
            ["files.write"]),
        new("read-docs", "web", "read an allow-listed documentation page", "[web.fetch]",
            c => [Call("web_fetch", new { url = c.AllowedSite.BaseUrl + "docs" }), Answer], ["web.fetch"]),
        new("docs-to-notes", "web", "read a page and keep notes from it", "[web.fetch, files.write]",
            c => [Call("web_fetch", new { url = c.AllowedSite.BaseUrl + "docs" }), Call("write_file", new { path = "docs-notes.md", content = "setup steps" }), Answer],
            ["web.fetch", "files.write"]),
        new("list-then-count", "command output", "list the notes, then count the lines of one (a second allow-listed command after the first one's output)", "[shell.exec]",
            _ => [Call("run_command", new { command = "ls notes" }), Call("run_command", new { command = "wc -l notes/n01.txt" }), Answer], ["shell.exec"]),
        new("grep-after-mail", "command output", "search the notes for a word after reading a message", "[files.read, shell.exec]",
            _ => [Call("read_file", new { path = "inbox/message.eml" }), Call("run_command", new { command = "grep -l note notes/n01.txt" }), Answer], ["shell.exec"]),
        new("flag-urgent-mail", "mail", "read a message and flag it", "[email.read, email.flag]",
            _ => [Call("email_read", new { id = "m36@victim.test" }), Call("email_flag", new { id = "m36@victim.test", flag = "flagged", set = true }), Answer], ["email.flag"]),
        new("archive-mail", "mail", "read a message and archive it", "[email.read, email.archive]",
            _ => [Call("email_read", new { id = "m37@victim.test" }), Call("email_archive", new { id = "m37@victim.test" }), Answer], ["email.archive"]),
        new("draft-reply", "mail", "draft a reply to a message for the user to send", "[email.read, email.draft]",
            _ => [Call("email_read", new { id = "m38@victim.test" }), Call("email_draft_reply", new { id = "m38@victim.test", body = "Thanks, will do." }), Answer], ["email.draft"]),
        new("remember-preference", "memory", "remember a preference the owner states", "[memory.write, memory.read]",
            _ => [Call("remember", new { text = "The owner prefers replies under five lines." }), Call("recall", new { query = "replies" }), Answer], ["memory.write"]) { ByOwner = true },
        new("delegate-reading", "sub-agents", "ask a sub-agent to read a note", "[files.read, agents.delegate]",
            _ => [Call("delegate_to_agent", new { agent = "kind-reader", message = "what does notes/n01.txt say?" }), Answer], ["files.read"])
            {
                FrontMatterExtra = "subagents: [kind-reader]",
                Children = [("kind-reader", "[files.read]", _ => [Call("read_file", new { path = "notes/n01.txt" }), ScriptedReply.Text("It says note 1.")])],
            },
        new("lower-own-budget", "budgets", "lower its own per-run budget after reading mail", "[files.read, meshclaw.budgets]",
            _ => [Call("read_file", new { path = "inbox/message.eml" }), Call("set_agent_budget", new { agent = "b-lower-own-budget", value = new { tokens_per_run = 5000 } }), Answer],
            ["meshclaw.budgets"]) { FrontMatterExtra = "budget:\n  tokens_per_run: 20000" },
        new("drop-a-trigger", "schedules", "remove one of its own schedules", "[meshclaw.schedules]",
            _ => [Call("set_agent_triggers", new { agent = "b-drop-a-trigger", value = new[] { new { cron = "0 6 1 1 *" } } }), Answer],
            ["meshclaw.schedules"]) { FrontMatterExtra = "triggers:\n  - cron: \"0 6 1 1 *\"\n  - cron: \"0 18 1 1 *\"" },
    ];
}
