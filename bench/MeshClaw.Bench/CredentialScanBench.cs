using System.Diagnostics;
using System.Text;
using MeshClaw.Core.Security.Credentials;

namespace MeshClaw.Bench;

/// <summary>What scanning for credential shapes costs per MB: clean prose, log lines, and text dense with credentials.</summary>
public static class CredentialScanBench
{
    public static void Run()
    {
        Console.WriteLine("## Credential scanner (shapes of 13 kinds, one source-generated pass and a PEM search): cost per MB");
        var first = Stopwatch.StartNew();
        CredentialScanner.Redact("a first text without anything in it at all");
        var plain = first.Elapsed.TotalMilliseconds;
        CredentialScanner.Redact("the first match: token: Zq8xK2mW9vR4tY7uP1sA6dF3");
        Console.WriteLine($"first scan: {plain:0.0} ms, first match after it: {first.Elapsed.TotalMilliseconds - plain:0.0} ms (one-time JIT)");
        Measure("prose, no credentials", Repeat("The quarterly report is attached; please review the figures before Friday's meeting with the team.\n"));
        Measure("log lines with ids and URLs", Repeat("2026-12-05T06:00:01Z INFO GET https://api.example.com/v1/items?id=123e4567-e89b-12d3 200 12ms key=cache-hit\n"));
        Measure("a credential every 1 KB", Repeat(new string('x', 900) + " token: Zq8xK2mW9vR4tY7uP1sA6dF3 AKIA" + "Q3ZXMPLE7KEY2ABC sk-ant-api03-Zq8xK2mW9vR4tY7uP1sA6dF3gH\n"));
    }

    private static string Repeat(string line)
    {
        var text = new StringBuilder(1 << 20);
        while (text.Length < 1 << 20)
        {
            text.Append(line);
        }

        return text.ToString(0, 1 << 20);
    }

    private static void Measure(string name, string megabyte)
    {
        CredentialScanner.Redact(megabyte);
        var samples = new List<double>();
        var found = 0;
        for (var i = 0; i < 15; i++)
        {
            var tally = new CredentialTally();
            var clock = Stopwatch.StartNew();
            CredentialScanner.Redact(megabyte, tally);
            samples.Add(clock.Elapsed.TotalMilliseconds);
            found = tally.Total;
        }

        Console.WriteLine($"{name}: {Stats.Describe(samples, "ms/MB")}, {found:N0} credential(s) found per MB");
    }
}
