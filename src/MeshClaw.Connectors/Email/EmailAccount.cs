namespace MeshClaw.Connectors.Email;

/// <summary>A mailbox MeshClaw may work in: IMAP for reading and filing, SMTP for sending. The password is a secret's name.</summary>
public sealed record EmailAccount
{
    public required string Name { get; init; }
    public required string ImapHost { get; init; }
    public int ImapPort { get; init; } = 993;
    public MailTls ImapTls { get; init; } = MailTls.Ssl;
    public required string User { get; init; }
    /// <summary>Name of the secret holding the password, or the OAuth2 access token when <see cref="OAuth2"/> is set.</summary>
    public required string PasswordSecret { get; init; }
    /// <summary>Log in with XOAUTH2 (the secret is an access token) instead of a password.</summary>
    public bool OAuth2 { get; init; }
    /// <summary>The address mail is sent from and drafts are written as; the user name when it is an address.</summary>
    public string? Address { get; init; }
    public string? SmtpHost { get; init; }
    public int SmtpPort { get; init; } = 587;
    public MailTls SmtpTls { get; init; } = MailTls.StartTls;
    /// <summary>"Deleted" mail goes here and is purged only after <see cref="RetentionDays"/>.</summary>
    public string QuarantineFolder { get; init; } = "MeshClaw Quarantine";
    public int RetentionDays { get; init; } = 30;
    /// <summary>The names people call the user by ("Dana", "Dana Scully"): mail naming them wants attention, even from a known sender.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    public string FromAddress => Address ?? (User.Contains('@', StringComparison.Ordinal) ? User : $"{User}@{ImapHost}");
}

public enum MailTls
{
    /// <summary>TLS from the first byte (IMAPS 993, SMTPS 465).</summary>
    Ssl,
    StartTls,
    /// <summary>Plain text; only for servers on this machine.</summary>
    None,
}
