using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Casework.Web.Features.Auth;

/// <summary>
/// Loads the token signing and encryption certificates from the configured files. In Development, a missing
/// file is created once (a self-signed key under <c>data/</c>) and reused, so issued tokens survive restarts;
/// elsewhere a missing setting stops the application with its name.
/// </summary>
internal static class SigningKeys
{
    public static X509Certificate2 Load(string? path, string? password, string settingName, string developmentFile,
        IHostEnvironment environment, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            if (!environment.IsDevelopment() && !environment.IsEnvironment("Testing"))
            {
                throw new Hosting.CaseworkConfigurationException(
                    $"{settingName} is required outside Development: set it to a PKCS#12 (.pfx) file with the key.");
            }

            path = Path.Combine("data", developmentFile);
        }

        var full = Path.IsPathRooted(path) ? path : Path.Combine(environment.ContentRootPath, path);
        if (!File.Exists(full))
        {
            if (!environment.IsDevelopment() && !environment.IsEnvironment("Testing"))
            {
                throw new Hosting.CaseworkConfigurationException($"{settingName}: the file '{path}' does not exist.");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, CreateSelfSigned(developmentFile, clock.GetUtcNow()).Export(X509ContentType.Pfx, password));
        }

        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(full, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException ex)
        {
            throw new Hosting.CaseworkConfigurationException($"{settingName}: '{path}' is not a PKCS#12 file this password opens ({ex.Message}).", ex);
        }
    }

    private static X509Certificate2 CreateSelfSigned(string name, DateTimeOffset now)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=Casework {Path.GetFileNameWithoutExtension(name)}", key,
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
    }
}
