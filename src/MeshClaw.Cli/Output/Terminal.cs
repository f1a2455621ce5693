using System.Text.Json;
using MeshClaw.Host.Api;
using Spectre.Console;

namespace MeshClaw.Cli.Output;

/// <summary>Prints for people (tables and colour on a terminal, plain columns when piped) or JSON for scripts.</summary>
public static class Terminal
{
    public static bool Interactive => !Console.IsOutputRedirected;

    private static readonly IAnsiConsole Stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    private static readonly JsonSerializerOptions Indented = new(ApiJson.Options) { WriteIndented = true };

    public static void Json<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, Indented));

    public static void Error(string message)
    {
        // Gateway errors can quote untrusted text (a mail subject, a model's words): it may not repaint the terminal.
        if (Console.IsErrorRedirected)
        {
            Console.Error.WriteLine($"error: {Safe(message)}");
        }
        else
        {
            Stderr.MarkupLine($"[red]error:[/] {Markup.Escape(Safe(message))}");
        }
    }

    /// <summary>Something the user should fix, though the command goes on (on standard error, so scripts' output stays clean).</summary>
    public static void Warning(string message)
    {
        if (Console.IsErrorRedirected)
        {
            Console.Error.WriteLine($"warning: {Safe(message)}");
        }
        else
        {
            Stderr.MarkupLine($"[yellow]warning:[/] {Markup.Escape(Safe(message))}");
        }
    }

    public static void Line(string text) => Console.WriteLine(Safe(text));

    /// <summary>
    /// Control characters (escape sequences, carriage returns) and bidirectional overrides (a right-to-left override that
    /// makes "exe.txt" read as "txt.exe") from untrusted text cannot repaint or reorder the terminal.
    /// </summary>
    public static string Safe(string text) =>
        string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = (char.IsControl(c) && c is not ('\n' or '\t')) || c is (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069') or '\u200e' or '\u200f' or '\u061c' ? '?' : c;
            }
        });

    /// <summary>A dim side note on a terminal (tool calls, usage), plain when piped.</summary>
    public static void Note(string text)
    {
        if (Interactive)
        {
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(Safe(text))}[/]");
        }
        else
        {
            Console.WriteLine(Safe(text));
        }
    }

    public static void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.ToList();
        if (Interactive)
        {
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var header in headers)
            {
                table.AddColumn(new TableColumn(Markup.Escape(header)));
            }

            foreach (var row in all)
            {
                table.AddRow([.. row.Select(c => Markup.Escape(Safe(c)))]);
            }

            AnsiConsole.Write(table);
            return;
        }

        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        Console.WriteLine(string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in all)
        {
            Console.WriteLine(Safe(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd()));
        }
    }
}
