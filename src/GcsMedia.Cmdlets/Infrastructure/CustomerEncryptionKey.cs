using System;
using System.Collections.Generic;
using System.Security;
using System.Security.Cryptography;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// A customer-supplied encryption key (CSEK): 32 bytes, given as base64. Produces the three request headers
    /// GCS wants. ToString never shows the key.
    /// </summary>
    internal sealed class CustomerEncryptionKey
    {
        private readonly string _keyBase64;
        private readonly string _sha256Base64;

        private CustomerEncryptionKey(string keyBase64, string sha256Base64)
        {
            _keyBase64 = keyBase64;
            _sha256Base64 = sha256Base64;
        }

        /// <summary>Validates the key; throws ArgumentException (without the key in the message) when it is not 32 bytes of base64.</summary>
        public static CustomerEncryptionKey Parse(SecureString key, string parameterName = "EncryptionKey")
        {
            string text = SecretText.ToPlainText(key).Trim();
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                throw new ArgumentException(
                    $"The -{parameterName} value is not base64. Give the 32-byte AES-256 key encoded as base64 (44 characters), " +
                    "for example [Convert]::ToBase64String((1..32 | ForEach-Object { Get-Random -Maximum 256 }) -as [byte[]]).",
                    parameterName);
            }

            if (bytes.Length != 32)
            {
                throw new ArgumentException(
                    $"The -{parameterName} value decodes to {bytes.Length} bytes; an AES-256 customer-supplied key is exactly 32 bytes, encoded as base64.",
                    parameterName);
            }

            using (SHA256 sha = SHA256.Create())
            {
                string digest = Convert.ToBase64String(sha.ComputeHash(bytes));
                Array.Clear(bytes, 0, bytes.Length);
                return new CustomerEncryptionKey(text, digest);
            }
        }

        public IEnumerable<KeyValuePair<string, string>> Headers()
        {
            yield return new KeyValuePair<string, string>("x-goog-encryption-algorithm", "AES256");
            yield return new KeyValuePair<string, string>("x-goog-encryption-key", _keyBase64);
            yield return new KeyValuePair<string, string>("x-goog-encryption-key-sha256", _sha256Base64);
        }

        /// <summary>The same key as the source of a copy (rewrite): the x-goog-copy-source-encryption-* headers.</summary>
        public IEnumerable<KeyValuePair<string, string>> CopySourceHeaders()
        {
            yield return new KeyValuePair<string, string>("x-goog-copy-source-encryption-algorithm", "AES256");
            yield return new KeyValuePair<string, string>("x-goog-copy-source-encryption-key", _keyBase64);
            yield return new KeyValuePair<string, string>("x-goog-copy-source-encryption-key-sha256", _sha256Base64);
        }

        public override string ToString() => "CustomerEncryptionKey(****)";
    }
}
