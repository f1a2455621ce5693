using MeshClaw.Bench;

// Usage: scripts/bench [startup|loop|all]
var which = args.FirstOrDefault() ?? "all";
if (which is "startup" or "all")
{
    await StartupBench.RunAsync();
}

if (which is "loop" or "all")
{
    await LoopBench.RunAsync();
}
