using MeshClaw.Core.Configuration;
using MeshClaw.Core.Doctor;
using MeshClaw.Core.Home;
using MeshClaw.Core.Security;

namespace MeshClaw.Connectors.Email;

/// <summary>Doctor's mail checks: passwords that would cross the network in clear text, and accounts whose secret is missing.</summary>
public sealed class EmailDoctor(ISecretStore secrets) : IDoctorCheck
{
    public Task<IReadOnlyList<Finding>> CheckAsync(MeshClawHome home, ConfigSections config, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        foreach (var account in config.Get<EmailSettings>().Accounts.Values)
        {
            if (account.ImapTls == MailTls.None && !MailTransport.IsLoopback(account.ImapHost))
            {
                findings.Add(new(Severity.High, "email", $"account '{account.Name}' logs in to {account.ImapHost} without TLS: its password would cross the network in clear text (MeshClaw refuses)",
                    $"set email.accounts.{account.Name}.imapTls to ssl (port 993) or starttls (port 143) in config.json"));
            }

            if (account.SmtpHost is { } smtp && account.SmtpTls == MailTls.None && !MailTransport.IsLoopback(smtp))
            {
                findings.Add(new(Severity.High, "email", $"account '{account.Name}' sends through {smtp} without TLS (MeshClaw refuses to log in there)",
                    $"set email.accounts.{account.Name}.smtpTls to starttls (port 587) or ssl (port 465) in config.json"));
            }

            string? secret;
            try
            {
                secret = secrets.Get(account.PasswordSecret);
            }
            catch (InvalidOperationException)
            {
                continue;
            }

            if (secret is null)
            {
                findings.Add(new(Severity.Medium, "email", $"account '{account.Name}' names the secret '{account.PasswordSecret}', which is not set",
                    $"meshclaw secrets set {account.PasswordSecret}"));
            }
        }

        return Task.FromResult<IReadOnlyList<Finding>>(findings);
    }
}
