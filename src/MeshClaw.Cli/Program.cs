using System.CommandLine;
using MeshClaw.Cli;
using MeshClaw.Cli.Commands;

var globals = new GlobalOptions();
var root = new RootCommand("MeshClaw: a local-first AI agent that works for you on your own machine.");
globals.AddTo(root);
root.Subcommands.Add(UpCommand.Create(globals));
root.Subcommands.Add(AgentsCommand.Create(globals));
root.Subcommands.Add(SecretsCommand.Create(globals));
root.Subcommands.Add(RunCommand.Create(globals));
root.Subcommands.Add(ChatCommand.Create(globals));
root.Subcommands.Add(RunsCommand.Create(globals));
root.Subcommands.Add(UsageCommand.Create(globals));
root.Subcommands.Add(StatusCommand.Create(globals));
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(20) });
