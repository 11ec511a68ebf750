export declare const ROOT: string;
export declare const CLI_DIST: string;
export declare const STAMP_FILE: string;
export declare function newestSource(): number;
export declare function builtCliIsFresh(): boolean;
