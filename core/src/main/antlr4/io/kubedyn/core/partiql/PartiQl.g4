/*
 * DynamoDB's subset of PartiQL: one SELECT, INSERT, UPDATE or DELETE statement, or a
 * transaction's EXISTS(SELECT ...) condition check.
 *
 * The grammar only decides the shape of a statement. StatementBuilder turns the parse tree into
 * the Statement model, binding each ? to its parameter and checking what DynamoDB checks
 * beyond the shape (bags of one type, MISSING only after IS, the RETURNING forms), so the error
 * messages can be DynamoDB's own.
 *
 * Precedence, highest first: comparisons, BETWEEN, IN, IS, NOT, AND, OR. An ANTLR
 * left-recursive rule gives earlier alternatives the higher precedence.
 */
grammar PartiQl;

statement
    : (select | insert | update | delete | exists) ';'? EOF
    ;

// EXISTS(SELECT ...): NAME, since EXISTS is no keyword of the conditions (the builder checks the name).
exists
    : NAME '(' select ')'
    ;

// ---- statements --------------------------------------------------------------------------------

select
    : SELECT projection (',' projection)* FROM name ('.' name)? where? orderBy?
    ;

projection
    : '*'                                               # everything
    | path                                              # attribute
    ;

orderBy
    : ORDER BY ordering (',' ordering)*
    ;

ordering
    : name (ASC | DESC)?
    ;

insert
    : INSERT INTO name VALUE value returning?
    ;

update
    : UPDATE name updateClause+ where returning?
    ;

updateClause
    : SET assignment (',' assignment)*                  # setClause
    | REMOVE path (',' path)*                           # removeClause
    ;

assignment
    : path '=' operand (arithmetic=('+' | '-') operand)?
    ;

delete
    : DELETE FROM name where returning?
    ;

where
    : WHERE condition
    ;

returning
    : RETURNING which=(ALL | MODIFIED) age=(OLD | NEW) '*'
    ;

// ---- conditions --------------------------------------------------------------------------------

condition
    : operand comparator operand                        # comparison
    | operand BETWEEN operand AND operand               # between
    | operand IN sequence                               # in
    | operand IS NOT? (MISSING | NULL)                  # is
    | function                                          # functionCondition
    | NAME '(' select ')'                               # subquery
    | '(' condition ')'                                 # parenthesized
    | NOT condition                                     # not
    | condition AND condition                           # and
    | condition OR condition                            # or
    ;

comparator
    : '=' | '<>' | '!=' | '<' | '<=' | '>' | '>='
    ;

sequence
    : '[' value (',' value)* ']'
    | '(' value (',' value)* ')'
    ;

operand
    : path
    | value
    | function
    ;

function
    : NAME '(' operand (',' operand)* ')'
    ;

// ---- paths and values --------------------------------------------------------------------------

path
    : name pathStep*
    ;

pathStep
    : '.' name                                          # memberStep
    | '[' NUMBER ']'                                    # indexStep
    ;

name
    : NAME
    | QUOTED_NAME
    ;

value
    : STRING                                            # stringValue
    | '-'? NUMBER                                       # numberValue
    | (TRUE | FALSE)                                    # booleanValue
    | NULL                                              # nullValue
    | MISSING                                           # missingValue
    | '?'                                               # parameter
    | '[' (value (',' value)*)? ']'                     # listValue
    | '{' (member (',' member)*)? '}'                   # tupleValue
    | '<<' (value (',' value)*)? '>>'                   # bagValue
    ;

member
    : STRING ':' value
    ;

// ---- tokens ------------------------------------------------------------------------------------

SELECT    : [sS][eE][lL][eE][cC][tT] ;
FROM      : [fF][rR][oO][mM] ;
WHERE     : [wW][hH][eE][rR][eE] ;
ORDER     : [oO][rR][dD][eE][rR] ;
BY        : [bB][yY] ;
ASC       : [aA][sS][cC] ;
DESC      : [dD][eE][sS][cC] ;
INSERT    : [iI][nN][sS][eE][rR][tT] ;
INTO      : [iI][nN][tT][oO] ;
VALUE     : [vV][aA][lL][uU][eE] ;
UPDATE    : [uU][pP][dD][aA][tT][eE] ;
SET       : [sS][eE][tT] ;
REMOVE    : [rR][eE][mM][oO][vV][eE] ;
DELETE    : [dD][eE][lL][eE][tT][eE] ;
RETURNING : [rR][eE][tT][uU][rR][nN][iI][nN][gG] ;
ALL       : [aA][lL][lL] ;
MODIFIED  : [mM][oO][dD][iI][fF][iI][eE][dD] ;
OLD       : [oO][lL][dD] ;
NEW       : [nN][eE][wW] ;
AND       : [aA][nN][dD] ;
OR        : [oO][rR] ;
NOT       : [nN][oO][tT] ;
IN        : [iI][nN] ;
IS        : [iI][sS] ;
BETWEEN   : [bB][eE][tT][wW][eE][eE][nN] ;
MISSING   : [mM][iI][sS][sS][iI][nN][gG] ;
NULL      : [nN][uU][lL][lL] ;
TRUE      : [tT][rR][uU][eE] ;
FALSE     : [fF][aA][lL][sS][eE] ;

NAME        : [a-zA-Z_] [a-zA-Z0-9_]* ;
QUOTED_NAME : '"' (~'"' | '""')* '"' ;
STRING      : '\'' (~'\'' | '\'\'')* '\'' ;
NUMBER      : ([0-9]+ ('.' [0-9]*)? | '.' [0-9]+) ([eE] [+-]? [0-9]+)? ;

LINE_COMMENT  : '--' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
WS            : [ \t\r\n]+ -> skip ;

// Anything else becomes a token of its own, so the parser reports it instead of the lexer
// printing to the console.
UNEXPECTED : . ;
