package dev.portcullis.testsupport;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Fuzzing input: a genuine token with one character replaced, inserted or removed, or cut short. */
public final class TokenMutations {

	private TokenMutations() {
	}

	public static Arbitrary<String> of(String token) {
		Arbitrary<Integer> position = Arbitraries.integers().between(0, token.length() - 1);
		Arbitrary<Character> replacement = Arbitraries.chars().with("ABCDEFabcdef0123456789-_.=");
		return Arbitraries.oneOf(
				Combinators.combine(position, replacement).as((at, c) -> token.substring(0, at) + c + token.substring(at + 1)),
				position.map((at) -> token.substring(0, at)),
				position.map((at) -> token.substring(0, at) + token.substring(at + 1)),
				Combinators.combine(position, replacement).as((at, c) -> token.substring(0, at) + c + token.substring(at)));
	}

}
