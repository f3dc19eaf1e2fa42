package dev.portcullis.auth.token;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The provider that computes access-token signatures: Amazon Corretto Crypto Provider (AWS-LC)
 * when its native library loads and passes its self-test, about twice as fast as the JDK's RSA
 * here (bench/auth/SignAlgorithms.java), else the JDK's own. Decided once, at start-up, and
 * logged once. Only the signature goes through it: it is not installed as a JVM-wide provider,
 * so every other cryptographic operation stays on the JDK's.
 */
@Component
public class SigningProvider {

	static final String ACCP = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

	private static final Logger logger = LoggerFactory.getLogger(SigningProvider.class);

	private final Provider provider;

	SigningProvider() {
		this(ACCP);
	}

	/** The provider of class {@code className}, or the JDK's when it cannot load. */
	SigningProvider(String className) {
		this.provider = load(className);
	}

	/** The provider, or null for the JDK's default. */
	Provider provider() {
		return this.provider;
	}

	/** The name logged and shown for the provider in use. */
	String name() {
		return (this.provider != null) ? this.provider.getName() + " " + this.provider.getVersionStr() : "JDK";
	}

	/**
	 * {@code key} as the provider's own key object, so that no signature converts it again; the
	 * key itself when the JDK signs.
	 */
	PrivateKey translate(PrivateKey key) throws GeneralSecurityException {
		return (this.provider != null) ? (PrivateKey) KeyFactory.getInstance(key.getAlgorithm(), this.provider).translateKey(key)
				: key;
	}

	private static Provider load(String className) {
		try {
			Class<?> type = Class.forName(className);
			Provider provider = (Provider) type.getField("INSTANCE").get(null);
			// throws when the native library did not load or its self-tests failed
			type.getMethod("assertHealthy").invoke(provider);
			logger.info("Access tokens are signed with {} {}", provider.getName(), provider.getVersionStr());
			return provider;
		}
		catch (ReflectiveOperationException | LinkageError | RuntimeException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			logger.warn("Access tokens are signed with the JDK's provider: {} is not usable here ({})", className,
					cause.toString());
			return null;
		}
	}

}
