/** src/auth facade: exports are appended here by the code that owns this folder. */
export {};
