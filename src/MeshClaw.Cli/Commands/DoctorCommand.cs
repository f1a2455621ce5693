using System.CommandLine;
using MeshClaw.Core.Doctor;
using Microsoft.Extensions.DependencyInjection;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Doctor;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw doctor</c>: the security posture and configuration, each finding with its fix; non-zero exit on a high one.</summary>
public static class DoctorCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("doctor", "Check MeshClaw's security posture and configuration, and say how to fix each finding");
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            await using var offline = globals.OfflineOf(parse);
            var findings = (await offline.GetRequiredService<PostureDoctor>().CheckAsync(ct)).OrderByDescending(f => f.Severity).ToList();
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(findings);
            }
            else if (findings.Count == 0)
            {
                Terminal.Line("no findings: the posture is MeshClaw's safe default");
            }
            else
            {
                foreach (var f in findings)
                {
                    Terminal.Line($"[{f.Severity.ToString().ToLowerInvariant()}] {f.Check}: {f.Problem}\n    fix: {f.Fix}");
                }
            }

            return findings.Any(f => f.Severity == Severity.High) ? CommandGuard.Failed : 0;
        }));
        return command;
    }
}
