using System.CommandLine;
using System.Text;
using MeshClaw.Cli.Output;
using MeshClaw.Core.Security;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw secrets set|list|remove</c>. Values are read from the terminal without echo, or from stdin; never printed.</summary>
public static class SecretsCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("secrets", "Manage secrets (API keys, passwords), encrypted at rest in the home folder");
        var name = new Argument<string>("name") { Description = "Secret name, e.g. OPENAI_API_KEY" };

        var set = new Command("set", "Store a secret; the value is read from the terminal (hidden) or from stdin") { name };
        set.SetAction(parse =>
        {
            var home = globals.HomeOf(parse);
            home.EnsureCreated();
            var value = ReadValue(parse.GetValue(name)!);
            if (string.IsNullOrEmpty(value))
            {
                Terminal.Error("no value given; nothing stored");
                return CommandGuard.Usage;
            }

            try
            {
                Secrets(globals, parse).Set(parse.GetValue(name)!, value);
            }
            catch (ArgumentException ex)
            {
                Terminal.Error(ex.Message);
                return CommandGuard.Usage;
            }

            Terminal.Line($"stored secret '{parse.GetValue(name)}'");
            return 0;
        });

        var list = new Command("list", "List secret names (never values)");
        list.SetAction(parse =>
        {
            var names = Secrets(globals, parse).Names();
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(names);
            }
            else
            {
                foreach (var n in names)
                {
                    Terminal.Line(n);
                }
            }

            return 0;
        });

        var remove = new Command("remove", "Delete a secret") { name };
        remove.SetAction(parse =>
        {
            if (Secrets(globals, parse).Remove(parse.GetValue(name)!))
            {
                Terminal.Line($"removed secret '{parse.GetValue(name)}'");
                return 0;
            }

            Terminal.Error($"no secret named '{parse.GetValue(name)}'");
            return CommandGuard.Failed;
        });

        command.Subcommands.Add(set);
        command.Subcommands.Add(list);
        command.Subcommands.Add(remove);
        return command;
    }

    private static ISecretStore Secrets(GlobalOptions globals, ParseResult parse)
    {
        using var offline = globals.OfflineOf(parse);
        return offline.GetRequiredService<ISecretStore>();
    }

    public static string ReadValue(string name)
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadToEnd().TrimEnd('\r', '\n');
        }

        Console.Error.Write($"value for {name} (hidden): ");
        var value = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return value.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (value.Length > 0)
                {
                    value.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                value.Append(key.KeyChar);
            }
        }
    }
}
