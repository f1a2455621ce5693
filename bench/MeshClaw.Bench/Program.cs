using MeshClaw.Bench;

// Usage: scripts/bench [startup|load|loop|security|credentials|triage|triage-week|dashboard|slack|all] [count: audit records (default 1000000) or messages (default 10000)]
var which = args.FirstOrDefault() ?? "all";
if (which is "startup" or "all")
{
    await StartupBench.RunAsync();
}

if (which is "load" or "all")
{
    await LoadMemoryBench.RunAsync();
}

if (which is "loop" or "all")
{
    await LoopBench.RunAsync();
}

if (which is "security" or "credentials" or "all")
{
    CredentialScanBench.Run();
}

if (which is "security" or "all")
{
    await SecurityBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
}

if (which is "triage" or "all")
{
    await TriageBench.RunAsync(args.Length > 1 && which == "triage" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000);
}

if (which is "triage-week" or "all")
{
    await TriageWeekBench.RunAsync();
}

if (which is "dashboard" or "all")
{
    await DashboardBench.RunAsync(1_000_000, 100_000);
}

if (which is "slack" or "all")
{
    await SlackBench.RunAsync();
}
